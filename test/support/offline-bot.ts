import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Bot, createBot } from '../../src/bot.ts';
import { loadEnv } from '../../src/config/env.ts';
import { BOT_TOKEN, loadRepoConfig, SIGNING_SECRET } from './slack.ts';
import { captureLogs } from './slack-logs.ts';

/** The whole bot with the repository's config, its own temp data dir, and no Slack to reach. */
export interface OfflineBot {
  bot: Bot;
  /** Stops the bot and removes its data dir. */
  stop(): Promise<void>;
}

/** Builds (not starts) the bot as main.ts would, for tests that read what it registers. */
export async function createOfflineBot(prefix: string): Promise<OfflineBot> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), prefix));
  const env = loadEnv({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: 'http://127.0.0.1:9/api/',
    MC_DATA_DIR: dataDir,
  });
  if (!env.ok) throw new Error(env.problems.join('; '));
  const bot = await createBot({
    settings: env.settings,
    config: await loadRepoConfig(),
    log: captureLogs({ secrets: [BOT_TOKEN, SIGNING_SECRET] }).log,
    botId: 'B0TEST',
    botUserId: 'U0BOT',
    clientRetries: 0,
  });
  return {
    bot,
    stop: async () => {
      await bot.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
