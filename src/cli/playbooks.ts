import { parseArgs } from 'node:util';
import { formatConfigErrors, loadConfig } from '../config/load-config.ts';
import { userConfigCacheDir } from '../config/yaml-cache.ts';
import { compileRegex } from '../domain/playbooks/patterns.ts';
import { runPlaybookTests } from '../domain/playbooks/run-playbook-tests.ts';
import { checkVocabulary } from '../domain/vocabulary/check-vocabulary.ts';
import { vocabularySummary } from '../domain/vocabulary/vocabulary-summary.ts';
import { suggest } from '../util/suggest.ts';
import { configDir } from './config-dir.ts';
import type { CliIo } from './io.ts';

const USAGE = `Usage: mc playbooks test [--dir DIR] [--run REGEX]

Runs the cases in DIR/playbooks/tests/*.yml (default DIR: $MC_CONFIG_DIR, else the cwd), like
promtool test rules: each case replays its input offline and checks which playbook comes
out on top (expect: { top: <id> }) or that nothing is suggested (expect: { none: true }).
Prints PASS or FAIL per case, the actual ranking of each failure, then "N passed, M failed".
Then replays every alert of DIR/playbooks/vocabulary/*.yml and checks the library's answer
against its classification (FAIL per disagreement, then the coverage counts).
--run keeps only the cases whose name matches REGEX (and skips the vocabulary).
Exit 0 when all pass, 1 when one fails (or the config is invalid), 2 on bad usage.
`;

const SUBCOMMANDS = ['test'];

/** `mc playbooks test`: runs the playbook test cases and reports PASS/FAIL per case. */
export async function runPlaybooks(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === 'help' || sub === '--help' || sub === '-h') {
    io.stdout(USAGE);
    return sub ? 0 : 2;
  }
  if (!SUBCOMMANDS.includes(sub)) {
    const close = suggest(sub, SUBCOMMANDS);
    io.stderr(
      `mc playbooks: unknown subcommand '${sub}'.${close ? ` Did you mean '${close}'?` : ''}\n${USAGE}`,
    );
    return 2;
  }
  let values: { dir?: string; run?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        dir: { type: 'string' },
        run: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    io.stderr(
      `mc playbooks test: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`,
    );
    return 2;
  }
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const filter = values.run === undefined ? undefined : compileRegex(values.run);
  if (filter && !filter.ok) {
    io.stderr(`mc playbooks test: --run ${filter.message}\n`);
    return 2;
  }
  const loaded = await loadConfig(configDir(io, values.dir), {
    cacheDir: userConfigCacheDir(io.env),
  });
  if (!loaded.ok) {
    io.stderr(
      `${formatConfigErrors(loaded.errors)}\nmc playbooks test: fix the config first (mc validate)\n`,
    );
    return 1;
  }
  const { catalog, playbooks, playbookTests } = loaded.config;
  const files = playbookTests.map((f) => ({
    ...f,
    cases: f.cases.filter((c) => !filter?.ok || filter.value.test(c.name)),
  }));
  const results = runPlaybookTests(files, { catalog, playbooks });
  if (results.length === 0) {
    io.stderr('mc playbooks test: no test cases found in playbooks/tests/*.yml\n');
    return 1;
  }
  for (const r of results) {
    io.stdout(`${r.passed ? 'PASS' : 'FAIL'}  ${r.file}: ${r.name}\n`);
    if (!r.passed) {
      io.stdout(`      expected ${r.expected}\n`);
      for (const line of r.actual) io.stdout(`      actual   ${line}\n`);
    }
  }
  const failed = results.filter((r) => !r.passed).length;
  io.stdout(`${results.length - failed} passed, ${failed} failed\n`);
  const vocabulary = loaded.config.vocabulary;
  if (filter || vocabulary.length === 0) return failed > 0 ? 1 : 0;
  const verdicts = checkVocabulary(vocabulary, { catalog, playbooks });
  for (const v of verdicts.filter((x) => !x.agrees)) {
    io.stdout(
      `FAIL  ${v.file}: ${v.entry}\n      expected ${v.expected}\n      actual   ${v.actual}\n`,
    );
    for (const reason of v.reasons.slice(0, 3)) io.stdout(`      because  ${reason}\n`);
  }
  io.stdout(`vocabulary: ${vocabularySummary(vocabulary, verdicts)}\n`);
  return failed > 0 || verdicts.some((v) => !v.agrees) ? 1 : 0;
}
