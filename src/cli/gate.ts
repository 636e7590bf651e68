import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatConfigErrors, loadConfig } from '../config/load-config.ts';
import { userConfigCacheDir } from '../config/yaml-cache.ts';
import type { GatePlaybook } from '../domain/playbooks/gate-schema.ts';
import { createRoleDirectory } from '../domain/policy/index.ts';
import { createEvidenceService } from '../evidence/evidence-service.ts';
import { createLedger } from '../evidence/ledger/create-ledger.ts';
import { loadOrCreateSigningKey, signingKeyLocation } from '../evidence/signing/signing-key.ts';
import { createGateService } from '../gates/gate-service.ts';
import { createGateStore } from '../gates/gate-store.ts';
import { createLogger } from '../telemetry/logger.ts';
import { suggest } from '../util/suggest.ts';
import { formatGateText, gateJson } from './gate-report.ts';
import { gateEnv, gateSources } from './gate-sources.ts';
import type { CliIo } from './io.ts';
import { withDb } from './with-db.ts';

const USAGE = `Usage: mc gate evaluate <service> <version> --env ENV [--set NAME] [--format json|text] [--dir DIR]

Evaluates one release against a gate set of playbooks/gates/ (default: "default") without
Slack, as /mc gate does: the checks read PROMETHEUS_URL, PAGERDUTY_TOKEN, KUBECONFIG and the
bot's database (MC_DATA_DIR or DATABASE_URL); the evaluation is stored and written to the
ledger, and a GO or NO-GO is recorded as a signed manifest. Config comes from DIR (default:
MC_CONFIG_DIR, else the current directory).
Exit 0 GO, 1 NO-GO, 2 PENDING (a required sign-off is missing), 3 bad usage or input,
4 the evaluation could not run (invalid config, no database).
`;

/** Exit codes a pipeline branches on. */
const EXIT = { GO: 0, 'NO-GO': 1, PENDING: 2, usage: 3, failed: 4 } as const;

interface Options {
  service: string;
  version: string;
  env: string;
  set: string;
  format: 'json' | 'text';
  dir: string;
}

function parseOptions(argv: string[], io: CliIo): Options | { help: true } | { error: string } {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        env: { type: 'string', short: 'e' },
        set: { type: 'string', default: 'default' },
        format: { type: 'string', short: 'f', default: 'text' },
        dir: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) return { help: true };
    const [sub, service, version, ...extra] = positionals;
    if (sub !== 'evaluate') {
      return {
        error: sub ? `unknown subcommand '${sub}' (try evaluate)` : 'say what to do: evaluate',
      };
    }
    if (!service || !version) return { error: 'name the service and the version to evaluate' };
    if (extra.length > 0) return { error: `unexpected argument '${extra[0]}'` };
    if (!values.env)
      return { error: '--env ENV is required (the environment the release goes to)' };
    if (values.format !== 'json' && values.format !== 'text') {
      return { error: `--format must be json or text, not "${values.format}"` };
    }
    const dir = values.dir ?? io.env.MC_CONFIG_DIR ?? '.';
    return { service, version, env: values.env, set: values.set, format: values.format, dir };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

const didYouMean = (typed: string, known: string[]) => {
  const close = suggest(typed, known);
  return `known: ${known.join(', ') || '(none)'}.${close ? ` Did you mean "${close}"?` : ''}`;
};

/** `mc gate evaluate`: a release's Go/No-Go from the command line, for CI. */
export async function runGate(argv: string[], io: CliIo): Promise<number> {
  const options = parseOptions(argv, io);
  if ('help' in options) {
    io.stdout(USAGE);
    return 0;
  }
  const fail = (code: number, message: string) => {
    io.stderr(`mc gate: ${message}\n${code === EXIT.usage ? USAGE : ''}`);
    return code;
  };
  if ('error' in options) return fail(EXIT.usage, options.error);
  const parsedEnv = gateEnv(io);
  if ('problems' in parsedEnv) return fail(EXIT.usage, parsedEnv.problems.join('; '));
  const configDir = path.resolve(io.cwd, options.dir);
  const loaded = await loadConfig(configDir, { cacheDir: userConfigCacheDir(io.env) });
  if (!loaded.ok) {
    return fail(
      EXIT.failed,
      `fix the config first (mc validate):\n${formatConfigErrors(loaded.errors)}`,
    );
  }
  const { catalog, playbooks, commands } = loaded.config;
  const service = catalog.services[options.service];
  if (!service) {
    return fail(
      EXIT.usage,
      `no service "${options.service}" in catalog.yml; ${didYouMean(options.service, Object.keys(catalog.services))}`,
    );
  }
  if (!service.environments[options.env]) {
    const known = Object.keys(service.environments);
    return fail(
      EXIT.usage,
      `${options.service} has no environment "${options.env}"; ${didYouMean(options.env, known)}`,
    );
  }
  const sets = new Map(
    playbooks.filter((p): p is GatePlaybook => p.kind === 'gate').map((p) => [p.id, p]),
  );
  if (!sets.has(options.set)) {
    return fail(
      EXIT.usage,
      `no gate set "${options.set}" in playbooks/gates/; ${didYouMean(options.set, [...sets.keys()])}`,
    );
  }
  const log = createLogger({
    level: io.env.LOG_LEVEL ? parsedEnv.env.LOG_LEVEL : 'warn',
    destination: { write: (line: string) => io.stderr(line) },
  });
  try {
    return await withDb(io, async (db) => {
      const ledger = createLedger(db, { log });
      const key = await loadOrCreateSigningKey({ ...signingKeyLocation(io.env, io.cwd), log });
      const publicUrl = (
        parsedEnv.env.MC_PUBLIC_URL ?? `http://127.0.0.1:${parsedEnv.env.PORT}`
      ).replace(/\/+$/, '');
      const sources = gateSources({ env: parsedEnv.env, io, catalog, configDir, db, log });
      const gates = createGateService({
        sets,
        sources,
        store: createGateStore(db),
        ledger,
        evidence: createEvidenceService({ db, ledger, key, publicUrl }),
        manifest: { catalog, kube: sources.kube, db, clock: sources.clock },
        roles: createRoleDirectory({ catalog, groupMembers: async () => [], now: sources.clock }),
        spec: commands.get('gate'),
      });
      const published = await gates.evaluate({
        setId: options.set,
        service: options.service,
        env: options.env,
        version: options.version,
        requester: `cli:${io.env.USER ?? io.env.LOGNAME ?? 'unknown'}`,
      });
      if ('refused' in published) return fail(EXIT.usage, published.refused);
      io.stdout(
        options.format === 'json'
          ? `${JSON.stringify(gateJson(published), null, 2)}\n`
          : formatGateText(published),
      );
      return EXIT[published.decision.decision];
    });
  } catch (error) {
    return fail(EXIT.failed, error instanceof Error ? error.message : String(error));
  }
}
