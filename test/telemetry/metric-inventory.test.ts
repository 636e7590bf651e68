import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/bot.ts';
import { metricFactory } from '../../src/telemetry/metric-factory.ts';
import { createMetrics } from '../../src/telemetry/metrics.ts';
import { REPO, readImports } from '../architecture/import-graph.ts';
import { createOfflineBot, type OfflineBot } from '../support/offline-bot.ts';

/** Every metric of the bot, as /metrics lists them (process metrics aside). */
const INVENTORY = [
  'mc_change_failures_total',
  'mc_commands_total',
  'mc_deployments_total',
  'mc_http_requests_rejected_total',
  'mc_incident_ack_seconds',
  'mc_incident_changes_total',
  'mc_lead_time_seconds',
  'mc_run_message_errors_total',
  'mc_slack_ack_seconds',
  'mc_slack_retries_dropped_total',
  'mc_time_to_restore_seconds',
  'mc_triage_slack_calls_total',
  'mc_webhook_inbox_lag_seconds',
  'mc_webhook_inbox_processed_total',
  'mc_webhook_seconds',
  'mc_webhooks_total',
];

describe('src/telemetry: one home for every metric', () => {
  let bot: Bot;
  let offline: OfflineBot | undefined;
  let baseUrl: string;
  beforeAll(async () => {
    offline = await createOfflineBot('mc-metrics-');
    bot = offline.bot;
    const { port } = await bot.start(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${port}`;
  }, 60_000);
  afterAll(async () => {
    await offline?.stop();
  });

  it('/metrics of the whole bot lists exactly the inventory, each metric once', async () => {
    const response = await fetch(`${baseUrl}/metrics`);
    expect(response.status).toBe(200);
    const types = (await response.text())
      .split('\n')
      .filter((line) => line.startsWith('# TYPE mc_'))
      .map((line) => line.split(' ')[2]);
    expect([...types].sort()).toEqual(INVENTORY);
    expect(new Set(types).size).toBe(types.length);
  });

  it('refuses a metric name defined twice on one registry, naming it', () => {
    const metrics = createMetrics({ defaultMetrics: false });
    expect(() =>
      metrics.define.counter({ name: 'mc_commands_total', help: 'a second definition' }),
    ).toThrow('metric mc_commands_total is already registered');
    const define = metricFactory(new Registry());
    define.histogram({ name: 'mc_probe_seconds', help: 'first' });
    expect(() => define.counter({ name: 'mc_probe_seconds', help: 'second' })).toThrow(
      /already registered/,
    );
  });

  it('no file outside src/telemetry imports prom-client or builds a metric itself', () => {
    const outside = readImports().filter((f) => !f.file.startsWith('src/telemetry/'));
    expect(outside.length).toBeGreaterThan(300);
    expect(outside.filter((f) => f.packages.includes('prom-client')).map((f) => f.file)).toEqual(
      [],
    );
    const builds = outside.filter((f) =>
      /new (Counter|Gauge|Histogram|Summary)\b/.test(readFileSync(path.join(REPO, f.file), 'utf8')),
    );
    expect(builds.map((f) => f.file)).toEqual([]);
  });
});
