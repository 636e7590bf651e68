import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Bot, createBot } from '../../src/bot.ts';
import { loadEnv } from '../../src/config/env.ts';
import { newTriggerId, sendSlashCommand } from '../../src/sandbox/slack/sign-request.ts';
import { createSlackEmulator, type SlackEmulator } from '../../src/sandbox/slack/slack-emulator.ts';
import { loadMigrations, type Migration } from '../../src/store/migrate.ts';
import { incompatibleChanges } from '../../src/store/migration-compat.ts';
import { createTestDatabase, postgresSkipReason } from '../support/postgres.ts';
import { BOT_TOKEN, loadRepoConfig, SIGNING_SECRET, visibleText } from '../support/slack.ts';
import { captureLogs } from '../support/slack-logs.ts';

const USER = 'U0ONCALL1';
const CHANNEL = 'C0DEPLOYS';

/** The next release: every migration of this one, plus an expand step of its own. */
function newerMigrations(): Migration[] {
  const current = loadMigrations();
  const version = (current.at(-1)?.version ?? 0) + 1;
  const sql =
    'ALTER TABLE deploys ADD COLUMN approved_by text;\n' +
    'CREATE TABLE release_notes (id text PRIMARY KEY, body text NOT NULL);\n';
  const file = `${String(version).padStart(3, '0')}_next_release.sql`;
  return [...current, { version, name: 'next_release', file, sql, checksum: `next-${version}` }];
}

describe.skipIf(postgresSkipReason() !== null)('rolling upgrade on one PostgreSQL', () => {
  let database: { url: string; drop(): Promise<void> };
  let slack: SlackEmulator;
  const bots: Bot[] = [];
  let asked = 0;

  async function replica(ownerId: string, migrations?: Migration[]) {
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
      ...(migrations ? { migrations } : {}),
    });
    bots.push(bot);
    const { port } = await bot.start(0);
    return { bot, logs, url: `http://127.0.0.1:${port}/slack/events` };
  }

  /** `/mc dora checkout` through one replica (it reads the deploys table): the reply text. */
  async function dora(url: string): Promise<string> {
    const id = `upgrade-${++asked}`;
    const sent = await sendSlashCommand(
      url,
      {
        text: 'dora checkout --since 7d',
        userId: USER,
        channelId: CHANNEL,
        responseUrl: slack.responseUrl(id),
        triggerId: newTriggerId(),
      },
      { signingSecret: SIGNING_SECRET },
    );
    expect(sent.status).toBe(200);
    for (;;) {
      const reply = slack.responses(id)[0]?.body;
      if (reply) return visibleText(reply);
      await delay(25);
    }
  }

  beforeEach(async () => {
    database = await createTestDatabase();
    slack = await createSlackEmulator({ botToken: BOT_TOKEN });
    slack.seedUser({ id: USER, name: 'oncall' });
  });

  afterEach(async () => {
    for (const bot of bots.splice(0)) await bot.stop();
    await slack.close();
    await database.drop();
  });

  it('a newer replica starts next to an older one; both serve, and older ones still start', async () => {
    const newer = newerMigrations();
    // The newer release's own step is an expand step, as the rule requires.
    expect(newer.flatMap(incompatibleChanges)).toEqual([]);

    const old = await replica('old-1');
    expect(await dora(old.url)).toContain('checkout, last 7 days');

    const next = await replica('new-1', newer);
    expect(next.bot.store.migrations.applied).toEqual([
      { version: newer.at(-1)?.version, name: 'next_release' },
    ]);
    expect(await dora(next.url)).toContain('checkout, last 7 days');
    // The older replica keeps serving on the expanded schema.
    expect(await dora(old.url)).toContain('checkout, last 7 days');

    // An older replica (re)started now finds a migration it does not know, and runs anyway.
    const late = await replica('old-2');
    expect(late.bot.store.migrations.unknown).toEqual([newer.at(-1)?.version]);
    expect(
      late.logs.find(
        'the database has migrations this version of mc does not know: a newer mc ran against it',
      ),
    ).toHaveLength(1);
    expect(await dora(late.url)).toContain('checkout, last 7 days');
  }, 120_000);
});
