import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTriggerId, sendSlashCommand } from '../src/sandbox/slack/sign-request.ts';
import { createSlackEmulator, type SlackEmulator } from '../src/sandbox/slack/slack-emulator.ts';
import { type Child, startMain, waitForLine } from './support/main-process.ts';
import { BOT_TOKEN, REPO_ROOT, SIGNING_SECRET, visibleText } from './support/slack.ts';

describe('src/main', () => {
  it('refuses to start without Slack settings, listing every problem once, no stack trace', async () => {
    const child = startMain({ PORT: 'not-a-port', DATABASE_URL: 'mysql://x' });
    expect(await child.exited).toBe(2);
    const text = child.stderr();
    expect(text).toContain('mc cannot start: 4 problem(s) with the environment');
    expect(text).toContain('SLACK_BOT_TOKEN is required');
    expect(text).toContain('SLACK_SIGNING_SECRET is required in HTTP mode');
    expect(text).toContain('PORT must be a port number');
    expect(text).toContain('DATABASE_URL must be a postgres://');
    expect(text).not.toMatch(/\n\s+at /);
  });

  it('refuses to start on invalid commands/catalog, listing all errors with their files', async () => {
    const child = startMain({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      MC_CONFIG_DIR: path.join(REPO_ROOT, 'test/fixtures/config/broken'),
      MC_DATA_DIR: path.join(os.tmpdir(), 'mc-never-created'),
    });
    expect(await child.exited).toBe(1);
    const lines = child
      .stderr()
      .split('\n')
      .filter((l) => /^\S+\.yml: /.test(l));
    expect(lines.length).toBeGreaterThan(5);
    expect(new Set(lines.map((l) => l.split(':')[0])).size).toBeGreaterThan(2);
    expect(child.stderr()).not.toMatch(/\n\s+at /);
  });

  describe('a started bot', () => {
    let emulator: SlackEmulator;
    let dataDir: string;
    let bot: Child;
    let baseUrl: string;

    beforeAll(async () => {
      emulator = await createSlackEmulator({ botToken: BOT_TOKEN });
      dataDir = await mkdtemp(path.join(os.tmpdir(), 'mc-main-'));
      bot = startMain({
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: emulator.apiUrl,
        MC_DATA_DIR: dataDir,
        PORT: '0',
        HOST: '127.0.0.1',
      });
      const started = JSON.parse(await waitForLine(bot, /"mc started"/, 60_000));
      baseUrl = `http://127.0.0.1:${started.port}`;
    }, 90_000);

    afterAll(async () => {
      bot.process.kill('SIGKILL');
      await emulator.close();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('answers /mc help, is ready on its embedded store, serves its evidence key', async () => {
      const sent = await sendSlashCommand(
        `${baseUrl}/slack/events`,
        { text: 'help', triggerId: newTriggerId(), responseUrl: emulator.responseUrl('main-help') },
        { signingSecret: SIGNING_SECRET },
      );
      expect(sent.status).toBe(200);
      const reply = await emulator.waitFor(() => emulator.responses('main-help')[0]);
      expect(visibleText(reply.body)).toContain('`rollback`  Roll a service back');

      const ready = await fetch(`${baseUrl}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ checks: { store: 'ok (pglite)' } });
      const key = await fetch(`${baseUrl}/evidence/keys`);
      expect(await key.text()).toContain('BEGIN PUBLIC KEY');
      expect(existsSync(path.join(dataDir, 'mc.lock'))).toBe(true);
    });

    it('refuses a second process on the same data dir; the first keeps working', async () => {
      const second = startMain({
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: emulator.apiUrl,
        MC_DATA_DIR: dataDir,
        PORT: '0',
        HOST: '127.0.0.1',
      });
      expect(await second.exited).toBe(1);
      expect(second.stderr()).toMatch(/in use by process \d+ on host /);
      expect((await fetch(`${baseUrl}/readyz`)).status).toBe(200);
    });

    it('stops cleanly on SIGTERM and releases the data dir', async () => {
      bot.process.kill('SIGTERM');
      expect(await bot.exited).toBe(0);
      expect(existsSync(path.join(dataDir, 'mc.lock'))).toBe(false);
    });
  });
});
