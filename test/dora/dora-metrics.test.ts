import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerDoraMetrics } from '../../src/dora/dora-metrics.ts';
import { openPgliteStore, type TestStore } from '../evidence/support/test-store.ts';
import { startBot, type TestBot } from '../support/slack.ts';
import { NOW, seedTwoWeeks } from './support/seed-history.ts';

describe('dora/dora-metrics', () => {
  let store: TestStore;
  let bot: TestBot;
  beforeAll(async () => {
    store = await openPgliteStore();
    await seedTwoWeeks(store.db);
    bot = await startBot();
    registerDoraMetrics(bot.metrics.define, {
      db: store.db,
      clock: () => NOW,
      attributionWindowMs: 86_400_000,
      cacheMs: 0,
    });
  });
  afterAll(async () => {
    await bot?.close();
    await store?.close();
  });

  const scrape = async () => {
    const response = await fetch(`${bot.baseUrl}/metrics`);
    expect(response.status).toBe(200);
    return response.text();
  };

  it('serves the four DORA metrics on /metrics, read from the change log and incidents', async () => {
    const text = await scrape();
    // 5 prod deploys, 1 staging; the rollback is no deploy.
    expect(text).toContain(
      'mc_deployments_total{service="checkout",env="prod",outcome="succeeded"} 5',
    );
    expect(text).toContain(
      'mc_deployments_total{service="checkout",env="staging",outcome="succeeded"} 1',
    );
    // 1.4.1 rolled back after 2 h, 1.5.2 blamed for inc-7.
    expect(text).toContain('mc_change_failures_total{service="checkout",env="prod"} 2');
    // Lead times 2 d, 1 d, 4 h, 2 h, 1 h: 172800 + 86400 + 14400 + 7200 + 3600.
    expect(text).toContain('mc_lead_time_seconds_count{service="checkout",env="prod"} 5');
    expect(text).toContain('mc_lead_time_seconds_sum{service="checkout",env="prod"} 284400');
    expect(text).toContain(
      'mc_lead_time_seconds_bucket{le="7200",service="checkout",env="prod"} 2',
    );
    expect(text).toContain('mc_time_to_restore_seconds_count{service="checkout",env="prod"} 1');
    expect(text).toContain('mc_time_to_restore_seconds_sum{service="checkout",env="prod"} 1800');
  });

  it('counts a deploy recorded after the last scrape at the next one', async () => {
    await store.db.query(
      `INSERT INTO deploys (id, service, env, to_image, kind, by_user, outcome, at)
       VALUES ('d_aaaaaaaaaaaa', 'payments', 'prod', 'shop/payments:2.8.0', 'deploy', 'U01ALICE01', 'rolled-back', $1)`,
      [new Date('2026-12-06T10:00:00Z')],
    );
    const text = await scrape();
    expect(text).toContain(
      'mc_deployments_total{service="payments",env="prod",outcome="rolled-back"} 1',
    );
    expect(text).toContain('mc_change_failures_total{service="payments",env="prod"} 1');
  });
});
