import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bot, createBot } from '../../src/bot.ts';
import { loadEnv } from '../../src/config/env.ts';
import { newTriggerId, sendSlashCommand } from '../../src/sandbox/slack/sign-request.ts';
import { createSlackEmulator, type SlackEmulator } from '../../src/sandbox/slack/slack-emulator.ts';
import { type PostgresCluster, postgresSkipReason, startPostgres } from '../support/postgres.ts';
import { BOT_TOKEN, loadRepoConfig, SIGNING_SECRET, visibleText } from '../support/slack.ts';
import { captureLogs } from '../support/slack-logs.ts';

// Issue 3: PostgreSQL stopped while the bot runs → commands answered with a clear
// error and /readyz false; once PostgreSQL is back the same process recovers.
describe.skipIf(postgresSkipReason() !== null)('storage outage (bot on PostgreSQL)', () => {
  let cluster: PostgresCluster;
  let slack: SlackEmulator;
  let bot: Bot;
  let baseUrl: string;
  let dataDir: string;
  let asked = 0;

  beforeAll(async () => {
    cluster = await startPostgres();
    slack = await createSlackEmulator({ botToken: BOT_TOKEN });
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'mc-outage-'));
    const env = loadEnv({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      DATABASE_URL: cluster.url,
      MC_DATA_DIR: dataDir,
    });
    if (!env.ok) throw new Error(env.problems.join('; '));
    bot = await createBot({
      settings: env.settings,
      config: await loadRepoConfig(),
      log: captureLogs({ secrets: [BOT_TOKEN, SIGNING_SECRET] }).log,
      botId: slack.identity.botId,
      botUserId: slack.identity.botUserId,
      clientRetries: 0,
    });
    baseUrl = `http://127.0.0.1:${(await bot.start(0)).port}`;
  }, 60_000);

  afterAll(async () => {
    await bot?.stop();
    await slack?.close();
    await cluster?.destroy();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function ask(text: string): Promise<{ status: number; reply: string }> {
    asked += 1;
    const id = `outage-${asked}`;
    const sent = await sendSlashCommand(
      `${baseUrl}/slack/events`,
      { text, triggerId: newTriggerId(), responseUrl: slack.responseUrl(id) },
      { signingSecret: SIGNING_SECRET },
    );
    const posted = await slack.waitFor(() => slack.responses(id)[0], { timeoutMs: 15_000 });
    return { status: sent.status, reply: visibleText(posted.body) };
  }

  async function readyz(): Promise<number> {
    return (await fetch(`${baseUrl}/readyz`)).status;
  }

  it('answers, says nothing was done while the database is down, and recovers without restart', async () => {
    expect(await readyz()).toBe(200);
    expect((await ask('help')).reply).toContain('rollback');

    await cluster.stop();
    expect(await readyz()).toBe(503);
    const during = await ask('help');
    expect(during.status).toBe(200);
    expect(during.reply).toContain('Storage unavailable, nothing was done');

    await cluster.start();
    expect(await readyz()).toBe(200);
    const after = await ask('status');
    expect(after.reply).not.toContain('Storage unavailable');
    expect(after.reply).toContain('checkout');
  }, 60_000);
});
