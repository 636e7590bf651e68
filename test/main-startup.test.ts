import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createSlackEmulator } from '../src/sandbox/slack/slack-emulator.ts';
import { type Child, startMain, waitForLine } from './support/main-process.ts';
import { BOT_TOKEN, SIGNING_SECRET } from './support/slack.ts';

const dirs: string[] = [];
const bots: Child[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mc-main-start-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const bot of bots.splice(0)) if (bot.process.exitCode === null) bot.process.kill('SIGKILL');
});
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  await rm(NO_CLUSTERS, { force: true });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// No cluster at all: a kubeconfig with no contexts (without one, the client invents localhost:8080).
const NO_CLUSTERS = path.join(os.tmpdir(), `mc-no-clusters-${process.pid}.yaml`);
fs.writeFileSync(
  NO_CLUSTERS,
  'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n',
);

function bot(env: Record<string, string>): Child {
  const child = startMain({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    PORT: '0',
    HOST: '127.0.0.1',
    KUBECONFIG: NO_CLUSTERS,
    ...env,
  });
  bots.push(child);
  return child;
}

const lines = (child: Child) =>
  child
    .stdout()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** Every path under dir with its permission bits. */
function modes(dir: string): { file: string; mode: number; isDir: boolean }[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).map((entry) => {
    const file = path.join(entry.parentPath, entry.name);
    return { file, mode: fs.statSync(file).mode & 0o777, isDir: entry.isDirectory() };
  });
}

describe('src/main start-up', () => {
  it('listens with Slack unreachable: /healthz at once, /readyz and an error line say why, integrations listed', async () => {
    const dataDir = path.join(await tempDir(), 'data');
    const slackPort = await closedPort();
    const child = bot({
      SLACK_API_URL: `http://127.0.0.1:${slackPort}/api/`,
      PROMETHEUS_URL: `http://127.0.0.1:${slackPort}`,
      MC_DATA_DIR: dataDir,
    });
    const started = JSON.parse(await waitForLine(child, /"mc started"/, 60_000));
    const base = `http://127.0.0.1:${started.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      checks: {
        store: 'ok (pglite)',
        slack: expect.stringMatching(/^unreachable: cannot reach Slack/),
      },
    });
    expect(JSON.parse(await waitForLine(child, /"slack is unreachable"/))).toMatchObject({
      level: 'error',
      slackApiUrl: `http://127.0.0.1:${slackPort}/api/`,
    });
    await waitForLine(child, /"integration kubernetes: not configured"/);
    const integrations = Object.fromEntries(
      lines(child)
        .filter((l) => typeof l.integration === 'string')
        .map((l) => [l.integration, l.state]),
    );
    expect(integrations).toEqual({
      slack: 'configured',
      store: 'reachable',
      prometheus: 'unreachable',
      alertmanager: 'not configured',
      pagerduty: 'not configured',
      kubernetes: 'not configured',
    });
  }, 90_000);

  it('creates its data dir 0700 with files only it can read', async () => {
    const emulator = await createSlackEmulator({ botToken: BOT_TOKEN });
    try {
      const dataDir = path.join(await tempDir(), 'data');
      const child = bot({ SLACK_API_URL: emulator.apiUrl, MC_DATA_DIR: dataDir });
      await waitForLine(child, /"mc started"/, 60_000);
      expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
      const open = modes(dataDir).filter((m) => (m.mode & 0o077) !== 0);
      expect(open.slice(0, 5)).toEqual([]);
      expect(modes(dataDir).filter((m) => !m.isDir).length).toBeGreaterThan(10);
    } finally {
      await emulator.close();
    }
  }, 90_000);

  it('refuses a data dir that others can write, saying how to fix it', async () => {
    const dataDir = await tempDir();
    fs.chmodSync(dataDir, 0o777);
    const child = bot({ MC_DATA_DIR: dataDir });
    expect(await child.exited).toBe(1);
    expect(child.stderr()).toContain(
      `mc cannot start: data dir ${dataDir} is writable by other users (mode 777)`,
    );
    expect(child.stderr()).toContain(`chmod 700 ${dataDir}`);
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('stops (exit 3) as soon as another writer names itself in the data dir', async () => {
    const emulator = await createSlackEmulator({ botToken: BOT_TOKEN });
    try {
      const dataDir = await tempDir();
      const child = bot({ SLACK_API_URL: emulator.apiUrl, MC_DATA_DIR: dataDir });
      await waitForLine(child, /"mc started"/, 60_000);
      // What a bot that ignores the OS lock writes when it starts on the same volume.
      const other = {
        pid: 1,
        hostname: 'other-container',
        bootId: 'b',
        instanceId: 'rival',
        startedAt: 'now',
      };
      // Written whole, then renamed over ours: the bot checks the file at every store call and
      // could otherwise read it half-written ("overwritten with something else", also a stop).
      const rival = path.join(dataDir, 'mc.lock.rival');
      fs.writeFileSync(rival, `${JSON.stringify(other)}\n`);
      fs.renameSync(rival, path.join(dataDir, 'mc.lock'));
      expect(JSON.parse(await waitForLine(child, /no longer ours/))).toMatchObject({
        level: 'fatal',
        reason: expect.stringContaining('now names process 1 on host other-container'),
      });
      expect(await child.exited).toBe(3);
    } finally {
      await emulator.close();
    }
  }, 90_000);

  it('after kill -9 of one bot, the next starts at once on the same data dir; a rival waits its turn', async () => {
    const emulator = await createSlackEmulator({ botToken: BOT_TOKEN });
    try {
      const dataDir = await tempDir();
      const env = { SLACK_API_URL: emulator.apiUrl, MC_DATA_DIR: dataDir };
      const first = bot(env);
      await waitForLine(first, /"mc started"/, 60_000);
      const rival = bot(env);
      expect(await rival.exited).toBe(1);
      expect(rival.stderr()).toMatch(
        new RegExp(`in use by process ${first.process.pid} on host ${os.hostname()}`),
      );
      first.process.kill('SIGKILL');
      await first.exited;
      const next = bot(env);
      const started = JSON.parse(await waitForLine(next, /"mc started"/, 60_000));
      expect(JSON.parse(await waitForLine(next, /taking it over/))).toMatchObject({
        previous: { pid: first.process.pid },
      });
      expect((await fetch(`http://127.0.0.1:${started.port}/readyz`)).status).toBe(200);
    } finally {
      await emulator.close();
    }
  }, 120_000);
});
