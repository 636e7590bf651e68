import { readFileSync } from 'node:fs';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { runEvidence } from './evidence.ts';
import type { CliCommand, CliIo } from './io.ts';
import { runLedger } from './ledger.ts';
import { runPlaybooks } from './playbooks.ts';
import { runSandbox } from './sandbox.ts';
import { runTriage } from './triage.ts';
import { runValidate } from './validate.ts';

const COMMANDS: Record<string, { run: CliCommand; summary: string }> = {
  validate: { run: runValidate, summary: 'check commands/, catalog.yml and playbooks/' },
  ledger: { run: runLedger, summary: 'verify the ledger hash chain; compute daily Merkle roots' },
  evidence: {
    run: runEvidence,
    summary: "verify a signed evidence bundle offline; export a release's evidence pack",
  },
  triage: {
    run: runTriage,
    summary: 'replay recorded signals offline: incidents and ranked playbooks',
  },
  playbooks: {
    run: runPlaybooks,
    summary: 'test: run playbooks/tests/*.yml (like promtool test rules)',
  },
  sandbox: {
    run: runSandbox,
    summary: 'the whole bot on this machine: emulators and a web console on 127.0.0.1',
  },
};

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
    return await command.run(rest, ioOrProcess);
  } catch (error) {
    ioOrProcess.stderr(`mc ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
