import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { formatConfigErrors, loadConfig } from '../config/load-config.ts';
import { userConfigCacheDir } from '../config/yaml-cache.ts';
import { formatInputProblems, parseTriageInput } from '../domain/triage/check-input.ts';
import { formatTriageText } from '../domain/triage/format-report.ts';
import { replayTriage } from '../domain/triage/replay.ts';
import { configDir } from './config-dir.ts';
import type { CliIo } from './io.ts';

const USAGE = `Usage: mc triage --input FILE [--format json|text] [--dir DIR]

Replays a recorded bundle of signals offline and prints the incidents the bot would open and
the playbooks it would suggest for each, best first. FILE (JSON or YAML) holds
  { "now": ISO-8601, "alertmanager": [webhook payloads], "pagerduty": [V3 webhook bodies],
    "deploys": [{ "service", "env", "from", "to", "by", "at" }] }
Playbooks and the catalog come from DIR (default: $MC_CONFIG_DIR, else the current directory).
Exit 0 after a replay, 1 on invalid config or input (every problem listed), 2 on bad usage.
`;

type Options = { input: string; format: 'json' | 'text'; dir?: string };

function parseOptions(argv: string[]): Options | { help: true } | { error: string } {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        input: { type: 'string', short: 'i' },
        format: { type: 'string', short: 'f', default: 'text' },
        dir: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) return { help: true };
    if (!values.input) return { error: '--input FILE is required' };
    if (values.format !== 'json' && values.format !== 'text') {
      return { error: `--format must be json or text, not "${values.format}"` };
    }
    return {
      input: values.input,
      format: values.format,
      ...(values.dir ? { dir: values.dir } : {}),
    };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

async function readInput(file: string): Promise<{ data: unknown } | { error: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { error: code === 'ENOENT' ? 'file not found' : `cannot read: ${String(error)}` };
  }
  try {
    return { data: /\.ya?ml$/.test(file) ? parseYaml(text) : JSON.parse(text) };
  } catch (error) {
    return {
      error: `is not ${/\.ya?ml$/.test(file) ? 'YAML' : 'JSON'}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/** `mc triage`: offline replay of signals → incidents → ranked playbook suggestions. */
export async function runTriage(argv: string[], io: CliIo): Promise<number> {
  const options = parseOptions(argv);
  if ('help' in options) {
    io.stdout(USAGE);
    return 0;
  }
  if ('error' in options) {
    io.stderr(`mc triage: ${options.error}\n${USAGE}`);
    return 2;
  }
  const loaded = await loadConfig(configDir(io, options.dir), {
    cacheDir: userConfigCacheDir(io.env),
  });
  if (!loaded.ok) {
    io.stderr(
      `${formatConfigErrors(loaded.errors)}\nmc triage: fix the config first (mc validate)\n`,
    );
    return 1;
  }
  const file = path.resolve(io.cwd, options.input);
  const read = await readInput(file);
  if ('error' in read) {
    io.stderr(`${options.input}: ${read.error}\n`);
    return 1;
  }
  const { catalog, playbooks } = loaded.config;
  const parsed = parseTriageInput(read.data, catalog);
  if (!parsed.ok) {
    const lines = formatInputProblems(parsed.problems).map((l) => `${options.input}: ${l}`);
    const count = lines.length;
    io.stderr(
      `${lines.join('\n')}\n${count} problem${count === 1 ? '' : 's'} in ${options.input}\n`,
    );
    return 1;
  }
  const report = replayTriage(parsed.input, { catalog, playbooks });
  io.stdout(
    options.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatTriageText(report),
  );
  return 0;
}
