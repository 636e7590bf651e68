import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDueScorecard } from '../../src/dora/run-scorecard.ts';
import { DoraSettings } from '../../src/dora/schema.ts';
import { scorecardRoutes } from '../../src/dora/scorecard-routes.ts';
import { readScorecard } from '../../src/dora/scorecard-runs.ts';
import { slackScorecardPublisher } from '../../src/slack/dora/post-scorecard.ts';
import { createSlackClient } from '../../src/slack/web-client.ts';
import { openPgliteStore, silentLog, type TestStore } from '../evidence/support/test-store.ts';
import { BOT_TOKEN, startBot, type TestBot, visibleText } from '../support/slack.ts';
import { seedTwoWeeks } from './support/seed-history.ts';

const CHANNEL = 'C01RELEASE1';
// A Monday an hour after the schedule fired: the week Nov 30 → Dec 7 09:00 is due.
const NOW = new Date('2026-12-07T10:00:00Z');

function pngSize(png: Buffer) {
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('dora/run-scorecard', () => {
  let store: TestStore;
  let bot: TestBot;
  const settings = DoraSettings.parse({
    targets: { changeFailureRate: { max: 0.1 } },
    scorecard: { channel: CHANNEL, schedule: '0 9 * * 1' },
  });
  beforeAll(async () => {
    store = await openPgliteStore();
    await seedTwoWeeks(store.db);
    bot = await startBot({ extraRoutes: scorecardRoutes({ db: store.db, log: silentLog }) });
  });
  afterAll(async () => {
    await bot?.close();
    await store?.close();
  });

  const replica = (owner: string) =>
    runDueScorecard({
      db: store.db,
      settings,
      environments: ['prod', 'staging'],
      production: 'prod',
      clock: () => NOW,
      owner,
      publicUrl: bot.baseUrl,
      publish: slackScorecardPublisher(
        createSlackClient({
          botToken: BOT_TOKEN,
          slackApiUrl: bot.emulator.apiUrl,
          retries: 0,
          log: silentLog,
        }),
      ),
    });

  it('posts the week once, with a PNG chart through files.uploadV2, however many replicas tick', async () => {
    const outcomes = await Promise.all([replica('a'), replica('b'), replica('c')]);
    expect(outcomes.sort()).toEqual(['posted', 'taken', 'taken']);
    expect(await replica('d')).toBe('taken');

    const [figures, chart] = bot.emulator.messages(CHANNEL);
    expect(bot.emulator.messages(CHANNEL)).toHaveLength(2);
    const text = visibleText(figures as unknown as Record<string, unknown>);
    expect(text).toContain('all services, last 7 days (2026-11-30 → 2026-12-07)');
    expect(text).toContain(':x: Change failure rate in prod ≤ 10 %: 33.3 % — missed');
    expect(text).toContain(`${bot.baseUrl}/dora/scorecards/2026-12-07T0900`);
    expect(chart?.text).toContain('Delivery scorecard chart, week to 2026-12-07');

    const files = bot.emulator.files();
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({
      filename: 'dora-scorecard-2026-12-07T0900.png',
      channel: CHANNEL,
      completed: true,
    });
    expect(pngSize(files[0]?.data as Buffer)).toEqual({ width: 960, height: 600 });
    expect(await readScorecard(store.db, '2026-12-07T0900')).toMatchObject({
      state: 'posted',
      channel: CHANNEL,
      fileId: files[0]?.id,
    });
  });

  it('serves an evidence page with the same chart and every change and incident counted', async () => {
    const response = await fetch(`${bot.baseUrl}/dora/scorecards/2026-12-07T0900`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<svg');
    expect(html).toContain('Deployment frequency');
    expect(html).toContain('Deployments counted (4)');
    expect(html).toContain('1.5.1 → 1.5.2');
    expect(html).toContain('failed: incident');
    expect(html).toContain('Incidents counted (1)');
    // Each incident links where people read about it.
    expect(html).toContain(
      '<a href="https://alertmanager.acme.test/#/alerts?filter=service%3Dcheckout">inc-7</a>',
    );
    expect((await fetch(`${bot.baseUrl}/dora/scorecards/2026-11-30T0900`)).status).toBe(404);
    expect((await fetch(`${bot.baseUrl}/dora/scorecards/last-week`)).status).toBe(400);
  });

  it('refuses a schedule that is not five-field cron, saying what to write', () => {
    const parsed = DoraSettings.safeParse({ scorecard: { channel: CHANNEL, schedule: 'weekly' } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toContain('not a five-field cron expression');
    expect(parsed.error?.issues[0]?.path).toEqual(['scorecard', 'schedule']);
  });
});
