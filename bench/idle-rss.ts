/**
 * Resident memory of the bot at idle with its embedded PGlite store open: the real
 * `src/main.ts` in a child process (as `npm start` runs it), a Slack emulator for auth.test,
 * sampled from /proc after it has settled.
 *
 *   npm run bench -- idle-rss   [--settle-ms 5000]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createSlackEmulator } from '../src/sandbox/slack/slack-emulator.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const settleFlag = process.argv.indexOf('--settle-ms');
const settleMs = Number(settleFlag >= 0 ? process.argv[settleFlag + 1] : 5000);
const TOKEN = 'xoxb-bench-0000-token';

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  return kb / 1024;
}

const slack = await createSlackEmulator({ botToken: TOKEN });
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'mc-bench-rss-'));
const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/main.ts')], {
  cwd: root,
  env: {
    PATH: process.env.PATH ?? '',
    SLACK_BOT_TOKEN: TOKEN,
    SLACK_SIGNING_SECRET: 'bench-signing-secret-0123456789',
    SLACK_API_URL: slack.apiUrl,
    MC_DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
try {
  const started = Date.now();
  // Start-up is done when the data dir lock and the signing key exist and the process is alive.
  let ready = false;
  while (!ready && Date.now() - started < 60_000) {
    await delay(100);
    ready = await readFile(path.join(dataDir, 'signing-key.pem')).then(
      () => true,
      () => false,
    );
  }
  if (!ready || child.pid === undefined) throw new Error('the bot did not start within 60 s');
  await delay(settleMs);
  const first = await rssMiB(child.pid);
  await delay(1000);
  const second = await rssMiB(child.pid);
  console.log(`start-up (to key written): ${Date.now() - started - settleMs - 1000} ms`);
  console.log(
    `idle RSS with PGlite open: ${first.toFixed(1)} MiB, ${second.toFixed(1)} MiB 1 s later`,
  );
} finally {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  await slack.close();
  await rm(dataDir, { recursive: true, force: true });
}
