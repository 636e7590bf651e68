import { readFileSync } from 'node:fs';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import type { CliCommand, CliIo } from './io.ts';

/**
 * Every subcommand, loaded only when it runs: `mc --help` and the offline commands never load
 * the store, Bolt or client-node. To add one, add a line here.
 */
const COMMANDS: Record<string, { load: () => Promise<CliCommand>; summary: string }> = {
  validate: {
    load: async () => (await import('./validate.ts')).runValidate,
    summary: 'check commands/, catalog.yml and playbooks/',
  },
  ledger: {
    load: async () => (await import('./ledger.ts')).runLedger,
    summary: 'verify the ledger hash chain; compute daily Merkle roots',
  },
  evidence: {
    load: async () => (await import('./evidence.ts')).runEvidence,
    summary: "verify a signed evidence bundle offline; export a release's evidence pack",
  },
  gate: {
    load: async () => (await import('./gate.ts')).runGate,
    summary: 'evaluate a release against a gate set: exit 0 GO, 1 NO-GO, 2 PENDING (for CI)',
  },
  triage: {
    load: async () => (await import('./triage.ts')).runTriage,
    summary: 'replay recorded signals offline: incidents and ranked playbooks',
  },
  playbooks: {
    load: async () => (await import('./playbooks.ts')).runPlaybooks,
    summary: 'test: run playbooks/tests/*.yml (like promtool test rules)',
  },
  dora: {
    load: async () => (await import('./dora.ts')).runDora,
    summary: 'the four DORA keys from an exported change log, offline',
  },
  rbac: {
    load: async () => (await import('./rbac.ts')).runRbac,
    summary: "the least-privilege Roles of an environment, from the actions' declared access",
  },
  sandbox: {
    load: loadSandbox,
    summary: 'the whole bot on this machine: emulators and a web console on 127.0.0.1',
  },
};

/** The sandbox is left out of the container image; say so rather than print a module path. */
async function loadSandbox(): Promise<CliCommand> {
  try {
    return (await import('./sandbox.ts')).runSandbox;
  } catch (error) {
    const missing = error as { code?: string; message?: string };
    if (missing.code !== 'ERR_MODULE_NOT_FOUND' || !missing.message?.includes('sandbox')) {
      throw error;
    }
    throw new Error(
      'the sandbox is not part of this installation (the container image leaves it out). Run it from a clone of the repository: npm ci && npx mc sandbox',
    );
  }
}

/** The version in package.json, which `mc --version` prints. */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return String(pkg.version);
}

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  mc ${name.padEnd(10)} ${c.summary}`);
  return [
    'Usage: mc <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'mc --version prints the version.',
    '',
  ].join('\n');
}

/** Runs one `mc` subcommand and returns its exit code. */
export async function main(argv: string[], io?: CliIo): Promise<number> {
  const ioOrProcess: CliIo = io ?? {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
  };
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    ioOrProcess.stdout(usage());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    ioOrProcess.stdout(`mc ${version()}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    ioOrProcess.stderr(`mc: unknown command '${name}'.\n${usage()}`);
    return 2;
  }
  try {
    const run = await command.load();
    return await run(rest, ioOrProcess);
  } catch (error) {
    ioOrProcess.stderr(`mc ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
