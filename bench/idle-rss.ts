/**
 * Start-up and idle memory of the bot as `npm start` runs it (the compiled dist/main.js, plain
 * node), on the embedded PGlite store (a first start, which creates the database, and a
 * restart on the same data dir) and on PostgreSQL (a throwaway cluster from
 * scripts/postgres.sh when its binaries exist); and of `mc sandbox`. Start-up is measured
 * until the port answers /healthz; RSS is read from /proc after the process settled.
 *
 *   npm run build && npm run bench -- idle-rss   [--settle-ms 5000]
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createSlackEmulator } from '../src/sandbox/slack/slack-emulator.ts';
import { machineLine, verdict } from './support/verdict.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const settleFlag = process.argv.indexOf('--settle-ms');
const settleMs = Number(settleFlag >= 0 ? process.argv[settleFlag + 1] : 5000);
const TOKEN = 'xoxb-bench-0000-token';
const POSTGRES_SCRIPT = path.join(root, 'scripts/postgres.sh');
const run = promisify(execFile);

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024;
}

/** Resolves with the first match of pattern in the child's stdout. */
function lineOf(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      const match = pattern.exec(out);
      if (match) resolve(match);
    });
    child.once('exit', (code) => reject(new Error(`exited (${code}) before ${pattern}:\n${out}`)));
  });
}

async function waitHealthy(port: number): Promise<void> {
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await delay(20);
  }
}

/** Starts `args` with env, waits for its port to answer, settles, reads RSS, stops it. */
async function measure(
  args: string[],
  env: Record<string, string>,
  portLine: RegExp,
  health = true,
) {
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = Number((await lineOf(child, portLine))[1]);
    if (health) await waitHealthy(port);
    const startMs = performance.now() - started;
    await delay(settleMs);
    return { startMs, rss: await rssMiB(child.pid!) };
  } finally {
    child.kill('SIGTERM');
    if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
  }
}

const BOT = [path.join(root, 'dist/main.js')];
if (!existsSync(BOT[0]!)) throw new Error('dist/main.js is missing: run `npm run build` first');
const STARTED = /"port":(\d+)[^\n]*"mc started"/;
const slack = await createSlackEmulator({ botToken: TOKEN });
const dirs: string[] = [];
const temp = (prefix: string) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
const botEnv = {
  SLACK_BOT_TOKEN: TOKEN,
  SLACK_SIGNING_SECRET: 'bench-signing-secret-0123456789',
  SLACK_API_URL: slack.apiUrl,
  // No cluster configured (and ~/.kube/config is not read when absent): the bot then never
  // loads client-node, which alone costs ~67 MiB.
  KUBECONFIG: '',
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'info',
};
const lines: string[] = [machineLine()];
try {
  const dataDir = path.join(temp('mc-bench-rss-'), 'data');
  const first = await measure(BOT, { ...botEnv, MC_DATA_DIR: dataDir }, STARTED);
  const again = await measure(BOT, { ...botEnv, MC_DATA_DIR: dataDir }, STARTED);
  lines.push(
    `first start with PGlite (creates the database): port answers in ${first.startMs.toFixed(0)} ms, idle RSS ${first.rss.toFixed(0)} MiB`,
    verdict('start-up until the port answers, PGlite (restart)', again.startMs / 1000, 's', {
      op: '<=',
      value: 2,
    }),
    verdict('idle RSS, PGlite', again.rss, 'MiB', { op: '<=', value: 250 }),
  );
  const havePostgres = await run('bash', [POSTGRES_SCRIPT, 'bindir']).then(
    () => true,
    () => false,
  );
  if (havePostgres) {
    const pgDir = temp('mc-bench-rss-pg-');
    const { stdout } = await run('bash', [POSTGRES_SCRIPT, 'start', pgDir], { timeout: 60_000 });
    try {
      const pg = await measure(
        BOT,
        { ...botEnv, MC_DATA_DIR: temp('mc-bench-rss-pgdata-'), DATABASE_URL: stdout.trim() },
        STARTED,
      );
      lines.push(
        `start-up until the port answers, PostgreSQL: ${pg.startMs.toFixed(0)} ms`,
        verdict('idle RSS, PostgreSQL', pg.rss, 'MiB', { op: '<=', value: 150 }),
      );
    } finally {
      await run('bash', [POSTGRES_SCRIPT, 'destroy', pgDir], { timeout: 60_000 });
    }
  } else {
    lines.push('idle RSS, PostgreSQL: skipped (no PostgreSQL binaries)');
  }
  const sandbox = await measure(
    [path.join(root, 'bin/mc.js'), 'sandbox', '--port', '0', '--data-dir', temp('mc-bench-sb-')],
    {},
    /open http:\/\/127\.0\.0\.1:(\d+)/,
    false,
  );
  lines.push(
    `mc sandbox (bot, emulators, console): ready in ${sandbox.startMs.toFixed(0)} ms, idle RSS ${sandbox.rss.toFixed(0)} MiB`,
  );
} finally {
  await slack.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
console.log(lines.join('\n'));
