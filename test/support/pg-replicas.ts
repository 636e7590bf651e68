import { setTimeout as delay } from 'node:timers/promises';
import { type Bot, createBot } from '../../src/bot.ts';
import { loadEnv } from '../../src/config/env.ts';
import { newTriggerId, sendSlashCommand } from '../../src/sandbox/slack/sign-request.ts';
import { createSlackEmulator, type SlackEmulator } from '../../src/sandbox/slack/slack-emulator.ts';
import type { Migration } from '../../src/store/migrate.ts';
import { createTestDatabase } from './postgres.ts';
import { BOT_TOKEN, loadRepoConfig, SIGNING_SECRET, visibleText } from './slack.ts';
import { captureLogs } from './slack-logs.ts';

export const USER = 'U0ONCALL1';
const CHANNEL = 'C0DEPLOYS';

/** One whole bot of several on the shared database, listening on its own port. */
export interface Replica {
  bot: Bot;
  logs: ReturnType<typeof captureLogs>;
  /** Its /slack/events URL. */
  url: string;
}

/** Bots on one fresh PostgreSQL database and one Slack emulator; close() ends them all. */
export interface Replicas {
  slack: SlackEmulator;
  start(ownerId: string, options?: { migrations?: Migration[] }): Promise<Replica>;
  /** Sends a signed `/mc <text>` to `replica` and waits for its reply's visible text. */
  command(
    replica: Replica,
    text: string,
    options?: { triggerId?: string; retryNum?: number; responseId?: string },
  ): Promise<{ status: number; triggerId: string; responseId: string }>;
  /** The visible text of the first reply to `responseId`, once it arrives. */
  reply(responseId: string): Promise<string>;
  close(): Promise<void>;
}

let asked = 0;

/** A fresh database and Slack emulator for replicas to share. */
export async function startReplicas(): Promise<Replicas> {
  const database = await createTestDatabase();
  const slack = await createSlackEmulator({ botToken: BOT_TOKEN });
  slack.seedUser({ id: USER, name: 'oncall' });
  const bots: Bot[] = [];
  return {
    slack,
    async start(ownerId, options = {}) {
      const env = loadEnv({
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
        DATABASE_URL: database.url,
        MC_PUBLIC_URL: 'https://mc.test',
      });
      if (!env.ok) throw new Error(env.problems.join('; '));
      const logs = captureLogs({ secrets: [BOT_TOKEN, SIGNING_SECRET] });
      const bot = await createBot({
        settings: env.settings,
        config: await loadRepoConfig(),
        log: logs.log,
        botId: slack.identity.botId,
        botUserId: slack.identity.botUserId,
        clientRetries: 0,
        ownerId,
        ...(options.migrations ? { migrations: options.migrations } : {}),
      });
      bots.push(bot);
      const { port } = await bot.start(0);
      return { bot, logs, url: `http://127.0.0.1:${port}/slack/events` };
    },
    async command(replica, text, options = {}) {
      const responseId = options.responseId ?? `replica-${++asked}`;
      const triggerId = options.triggerId ?? newTriggerId();
      const sent = await sendSlashCommand(
        replica.url,
        {
          text,
          userId: USER,
          channelId: CHANNEL,
          responseUrl: slack.responseUrl(responseId),
          triggerId,
        },
        {
          signingSecret: SIGNING_SECRET,
          ...(options.retryNum !== undefined ? { retryNum: options.retryNum } : {}),
        },
      );
      return { status: sent.status, triggerId, responseId };
    },
    async reply(responseId) {
      for (;;) {
        const body = slack.responses(responseId)[0]?.body;
        if (body) return visibleText(body);
        await delay(25);
      }
    },
    async close() {
      for (const bot of bots.splice(0)) await bot.stop();
      await slack.close();
      await database.drop();
    },
  };
}
