import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDueScorecard } from '../../src/dora/run-scorecard.ts';
import { DoraSettings } from '../../src/dora/schema.ts';
import { createSlackEmulator, type SlackEmulator } from '../../src/sandbox/slack/slack-emulator.ts';
import { slackScorecardPublisher } from '../../src/slack/dora/post-scorecard.ts';
import { createSlackClient } from '../../src/slack/web-client.ts';
import { openStore, type Store } from '../../src/store/open-store.ts';
import { silentLog } from '../evidence/support/test-store.ts';
import { createTestDatabase, postgresSkipReason } from '../support/postgres.ts';
import { seedTwoWeeks } from './support/seed-history.ts';

const TOKEN = 'xoxb-replicas-token';
const NOW = new Date('2026-12-07T10:00:00Z');

describe.skipIf(postgresSkipReason() !== null)('dora/run-scorecard: replicas on PostgreSQL', () => {
  let database: { url: string; drop(): Promise<void> };
  let replicas: Store[] = [];
  let slack: SlackEmulator;
  beforeAll(async () => {
    database = await createTestDatabase();
    // Four processes sharing one database, each with its own connection pool.
    for (let i = 0; i < 4; i++) {
      replicas.push(await openStore({ databaseUrl: database.url, dataDir: null, log: silentLog }));
    }
    await seedTwoWeeks(replicas[0]!.db);
    slack = await createSlackEmulator({ botToken: TOKEN });
  });
  afterAll(async () => {
    for (const store of replicas) await store.close();
    replicas = [];
    await slack?.close();
    await database?.drop();
  });

  it('posts the due scorecard exactly once among replicas ticking together', async () => {
    const settings = DoraSettings.parse({
      scorecard: { channel: 'C01RELEASE1', schedule: '0 9 * * 1' },
    });
    const client = createSlackClient({
      botToken: TOKEN,
      slackApiUrl: slack.apiUrl,
      retries: 0,
      log: silentLog,
    });
    const outcomes = await Promise.all(
      replicas.map((store, i) =>
        runDueScorecard({
          db: store.db,
          settings,
          environments: ['prod', 'staging'],
          production: 'prod',
          clock: () => NOW,
          owner: `replica-${i}`,
          publicUrl: 'https://mc.test',
          publish: slackScorecardPublisher(client),
        }),
      ),
    );
    expect(outcomes.filter((o) => o === 'posted')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'taken')).toHaveLength(3);
    expect(slack.files()).toHaveLength(1);
    expect(slack.calls('chat.postMessage')).toHaveLength(1);
  });
});
