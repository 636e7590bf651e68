import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDoraCommand } from '../../../src/slack/commands/dora.ts';
import { NOW, seedTwoWeeks } from '../../dora/support/seed-history.ts';
import { openPgliteStore, type TestStore } from '../../evidence/support/test-store.ts';
import { startBot, type TestBot, visibleText } from '../../support/slack.ts';

describe('slack/commands/dora', () => {
  let store: TestStore;
  let bot: TestBot;
  beforeAll(async () => {
    store = await openPgliteStore();
    await seedTwoWeeks(store.db);
    bot = await startBot({
      handlers: { dora: createDoraCommand({ db: store.db, clock: () => NOW }) },
    });
  });
  afterAll(async () => {
    await bot?.close();
    await store?.close();
  });

  it('answers the four keys per environment with trends and the targets marked', async () => {
    const reply = await bot.ask('dora checkout --since 7d');
    expect(reply.response_type).toBe('ephemeral');
    const text = visibleText(reply);
    expect(text).toContain('checkout, last 7 days (2026-11-30 → 2026-12-07)');
    // prod first: it is the protected environment.
    expect(text.indexOf('*prod*')).toBeLessThan(text.indexOf('*staging*'));
    expect(text).toContain('Deployment frequency: 3 deploys (3/week, 0.43/day) · ▲ from 2');
    // 4 h, 2 h, 1 h: median 2 h, p90 at rank 1.8 = 2 h + 0.8 × 2 h; a week before 1 d and 2 d.
    expect(text).toContain('Lead time: median 2h, p90 3h 36m (n=3) · ▼ from 1d 12h');
    expect(text).toContain('Change failure rate: 33.3 % (1 of 3) · ▼ from 50.0 %');
    expect(text).toContain('Time to restore: median 30m, p90 30m (n=1) · no data before');
    expect(text).toContain(':white_check_mark: Deploys to prod ≥ 1/week: 3.00/week — met');
    expect(text).toContain(':x: Deploys to staging ≥ 1/day: 0.14/day — missed');
    expect(text).toContain(
      ':white_check_mark: Lead time in prod median ≤ 1d 19h (baseline 3d − 40 %): median 2h — met',
    );
    expect(text).toContain(':x: Change failure rate in prod ≤ 10 %: 33.3 % — missed');
    expect(text).toContain(
      ':white_check_mark: Time to restore in prod median ≤ 2h 48m (baseline 4h − 30 %): median 30m — met',
    );
  });

  it('narrows to one environment with --env', async () => {
    const text = visibleText(await bot.ask('dora checkout --env staging --since 7d'));
    expect(text).toContain('*staging*');
    expect(text).not.toContain('*prod*');
    expect(text).toContain('Deployment frequency: 1 deploys');
    expect(text).toContain(':x: Deploys to staging ≥ 1/day');
    expect(text).not.toContain('Change failure rate in prod');
  });

  it('refuses an unknown service, naming the known ones', async () => {
    const text = visibleText(await bot.ask('dora chekout'));
    expect(text).toContain('Did you mean');
    expect(text).toContain('checkout');
    expect(text).not.toContain('Delivery scorecard');
  });
});
