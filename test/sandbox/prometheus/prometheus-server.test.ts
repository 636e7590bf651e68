import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrometheusClient } from '../../../src/adapters/prometheus/create-prometheus-client.ts';
import { evaluateThreshold } from '../../../src/adapters/prometheus/evaluate-threshold.ts';
import {
  type SimulatedAlert,
  type SimulatedPrometheus,
  startSimulatedPrometheus,
} from '../../../src/sandbox/prometheus/prometheus-server.ts';
import type { MetricsSnapshot } from '../../../src/sandbox/prometheus/snapshot.ts';
import { createLogger } from '../../../src/telemetry/logger.ts';

const RATIO =
  'sum(rate(http_requests_total{service="checkout",code=~"5.."}[5m])) / sum(rate(http_requests_total{service="checkout"}[5m]))';

describe('sandbox/prometheus/prometheus-server (through the bot’s own Prometheus client)', () => {
  let errorRatio = 0.002;
  const source = (): MetricsSnapshot => ({
    at: Date.now(),
    envs: [
      {
        service: 'checkout',
        env: 'prod',
        namespace: 'checkout',
        rps: 100,
        errorRatio,
        latencyP95: 0.2,
        ready: 3,
        replicas: 3,
      },
    ],
    pods: [],
  });
  const alert: SimulatedAlert = {
    labels: { alertname: 'HighErrorRate', service: 'checkout', severity: 'critical' },
    annotations: { summary: 'checkout 5xx' },
    state: 'firing',
    activeAt: '2026-11-22T12:00:00Z',
    value: '1e+00',
  };
  let prom: SimulatedPrometheus;
  const client = () =>
    createPrometheusClient({
      url: prom.url,
      timeoutMs: 2_000,
      log: createLogger({ level: 'silent' }),
    });

  beforeAll(async () => {
    prom = await startSimulatedPrometheus({ source, alerts: () => [alert], sampleEveryMs: 20 });
  });
  afterAll(() => prom.close());

  it('answers instant queries as a vector the client decodes; the SLO check follows the series', async () => {
    const result = await client().query(RATIO);
    expect(result).toMatchObject({ type: 'vector', series: [{ labels: {}, value: 0.002 }] });
    const check = { query: RATIO, comparison: '<' as const, threshold: 0.01 };
    expect((await evaluateThreshold(client(), check)).status).toBe('passed');
    errorRatio = 0.2;
    expect((await evaluateThreshold(client(), check)).status).toBe('failed');
    errorRatio = 0.002;
  });

  it('answers range queries from the kept snapshots as a matrix', async () => {
    await new Promise((resolve) => setTimeout(resolve, 120));
    const end = new Date();
    const start = new Date(end.getTime() - 60_000);
    const result = await client().queryRange(RATIO, { start, end, step: '15s' });
    expect(result.series).toHaveLength(1);
    expect(result.series[0]?.samples).toHaveLength(5);
    expect(result.series[0]?.samples.every((s) => s.value === 0.002)).toBe(true);
  });

  it('lists the scenario alerts on /api/v1/alerts', async () => {
    expect(await client().alerts()).toEqual([{ ...alert, value: 1 }]);
  });

  it('rejects bad parameters as Prometheus does (400 bad_data)', async () => {
    await expect(
      client().queryRange(RATIO, { start: new Date(), end: new Date(0), step: 15 }),
    ).rejects.toThrow(/bad_data/);
    const res = await fetch(`${prom.url}/api/v1/query`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ status: 'error', errorType: 'bad_data' });
  });

  it('serves an escaped /graph page for evidence links', async () => {
    const res = await fetch(`${prom.url}/graph?g0.expr=${encodeURIComponent(`${RATIO} <script>`)}`);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('<script>');
  });
});
