import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateThreshold } from '../../../src/adapters/prometheus/evaluate-threshold.ts';
import { PrometheusError } from '../../../src/adapters/prometheus/prometheus-error.ts';
import {
  startTestExporter,
  type TestExporter,
} from '../../../src/sandbox/exporter/test-exporter.ts';
import { requireBinary, startPrometheus, type TestPrometheus } from '../../support/prometheus.ts';

const PROMETHEUS = requireBinary('prometheus');

// Configured traffic; the assertions below derive their expectations from these numbers.
const CHECKOUT = { ok: 50, error: 1 };
const SEARCH = { ok: 20, error: 4 };
const P95 = 0.3;
const WINDOW = '5s';

const RULES = `
groups:
  - name: mc-test
    rules:
      - alert: QueueBacklog
        expr: queue_depth{service="checkout"} > 5
        labels: { severity: page }
        annotations: { summary: 'queue {{ $labels.service }} at {{ $value }}' }
`;

const errorRatio = (by: string) =>
  `sum by (${by}) (rate(http_requests_total{code="500"}[${WINDOW}])) / ` +
  `sum by (${by}) (rate(http_requests_total[${WINDOW}]))`;

describe.skipIf(!PROMETHEUS)('adapters/prometheus against a real Prometheus', () => {
  let exporter: TestExporter;
  let prom: TestPrometheus;

  beforeAll(async () => {
    exporter = await startTestExporter();
    exporter.setRate('checkout', CHECKOUT);
    exporter.setLatency('checkout', P95);
    exporter.setRate('search', SEARCH);
    exporter.setRate('idle', { ok: 0, error: 0 });
    exporter.setGauge('queue_depth', { service: 'checkout' }, 7);
    prom = await startPrometheus({
      binary: PROMETHEUS,
      scrapeTargets: [exporter.target],
      rules: RULES,
    });
    console.log(`prometheus: up == 1 for the exporter ${prom.startupMs} ms after spawn`);
    // rate() over the window is only right once the window holds a full run of samples.
    await waitUntil(async () => {
      const r = await prom.client.query(
        `count_over_time(http_requests_total{service="checkout",code="200"}[${WINDOW}])`,
      );
      return r.type === 'vector' && (r.series[0]?.value ?? 0) >= 5;
    }, 20_000);
  });

  afterAll(async () => {
    await prom?.close();
    await exporter?.close();
  });

  it('returns a rate as a vector close to the configured requests per second', async () => {
    const result = await prom.client.query(
      `sum by (service) (rate(http_requests_total{code="200"}[${WINDOW}]))`,
    );
    expect(result.type).toBe('vector');
    if (result.type !== 'vector') return;
    const byService = new Map(result.series.map((s) => [s.labels.service, s.value]));
    // Scrape jitter moves rate() a few percent; 15% of the configured rate is well outside noise.
    expect(Math.abs((byService.get('checkout') ?? 0) - CHECKOUT.ok)).toBeLessThan(
      CHECKOUT.ok * 0.15,
    );
    expect(Math.abs((byService.get('search') ?? 0) - SEARCH.ok)).toBeLessThan(SEARCH.ok * 0.15);
    expect(byService.get('idle')).toBe(0);
  });

  it('reads the configured p95 back through histogram_quantile', async () => {
    const result = await prom.client.query(
      `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service="checkout"}[${WINDOW}])))`,
    );
    expect(result).toMatchObject({ type: 'vector', series: [{ labels: {} }] });
    if (result.type !== 'vector') return;
    expect(result.series[0]?.value).toBeCloseTo(P95, 2);
  });

  it('returns a range query as a matrix with one sample per step', async () => {
    const end = new Date();
    const start = new Date(end.getTime() - 4_000);
    const result = await prom.client.queryRange('queue_depth', { start, end, step: 1 });
    expect(result.series).toHaveLength(1);
    expect(result.series[0]?.labels).toMatchObject({
      __name__: 'queue_depth',
      service: 'checkout',
    });
    const samples = result.series[0]?.samples ?? [];
    expect(samples.map((s) => s.value)).toEqual([7, 7, 7, 7, 7]);
    expect(samples[1]!.time - samples[0]!.time).toBeCloseTo(1, 3);
  });

  it('returns scalars, strings and an explicit empty vector', async () => {
    expect(await prom.client.query('scalar(sum(queue_depth))')).toMatchObject({
      type: 'scalar',
      value: 7,
    });
    expect(await prom.client.query('"release"')).toMatchObject({
      type: 'string',
      value: 'release',
    });
    expect(await prom.client.query('no_such_metric')).toEqual({ type: 'vector', series: [] });
  });

  it('rejects bad PromQL with a PrometheusError carrying bad_data', async () => {
    const error = await prom.client
      .query('sum(rate(http_requests_total[5m])')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrometheusError);
    expect(error).toMatchObject({ kind: 'http', status: 400, errorType: 'bad_data' });
    expect((error as Error).message).toMatch(
      /rejected the query .* parse error: unclosed left parenthesis/,
    );
  });

  it('passes an error-ratio gate on a healthy service', async () => {
    const single = await evaluateThreshold(prom.client, {
      query: `sum(rate(http_requests_total{service="checkout",code="500"}[${WINDOW}])) / sum(rate(http_requests_total{service="checkout"}[${WINDOW}]))`,
      comparison: '<',
      threshold: 0.05,
    });
    expect(single.status).toBe('passed');
    // Both counters share scrape times, so the ratio is exact to rounding: 1 / 51.
    expect(single.value).toBeCloseTo(CHECKOUT.error / (CHECKOUT.ok + CHECKOUT.error), 3);
  });

  it('fails a gate on the worst series and names it', async () => {
    const result = await evaluateThreshold(prom.client, {
      query: errorRatio('service'),
      comparison: '<',
      threshold: 0.05,
    });
    expect(result.status).toBe('failed');
    expect(result.labels).toEqual({ service: 'search' });
    expect(result.value).toBeCloseTo(SEARCH.error / (SEARCH.ok + SEARCH.error), 3);
    expect(result.reason).toContain('worst of 3 series');
  });

  it('is inconclusive on NaN: 0/0 and a service without traffic', async () => {
    const zero = await evaluateThreshold(prom.client, {
      query: '0/0',
      comparison: '<',
      threshold: 1,
    });
    expect(zero.status).toBe('inconclusive');
    const idle = await evaluateThreshold(prom.client, {
      query: `sum(rate(http_requests_total{service="idle",code="500"}[${WINDOW}])) / sum(rate(http_requests_total{service="idle"}[${WINDOW}]))`,
      comparison: '<',
      threshold: 0.05,
    });
    expect(idle).toMatchObject({ status: 'inconclusive' });
    expect(idle.reason).toContain('NaN');
  });

  it('lists firing alerts from the rule evaluator', async () => {
    await waitUntil(
      async () => (await prom.client.alerts()).some((a) => a.state === 'firing'),
      10_000,
    );
    const alerts = await prom.client.alerts();
    expect(alerts).toContainEqual(
      expect.objectContaining({
        state: 'firing',
        value: 7,
        labels: expect.objectContaining({ alertname: 'QueueBacklog', service: 'checkout' }),
        annotations: { summary: 'queue checkout at 7' },
      }),
    );
  });

  it('builds graph links that the real Prometheus serves', async () => {
    const res = await fetch(prom.client.graphUrl('sum(queue_depth)'));
    expect(res.status).toBe(200);
  });

  it('is inconclusive, never passed, while Prometheus is down; passes again after restart', async () => {
    // A gauge, not a rate: right after the outage a rate window holds too few samples.
    const check = {
      query: 'queue_depth{service="checkout"}',
      comparison: '<' as const,
      threshold: 100,
    };
    expect((await evaluateThreshold(prom.client, check)).status).toBe('passed');
    await prom.stop();
    const down = await evaluateThreshold(prom.client, check);
    expect(down.status).toBe('inconclusive');
    expect(down.reason).toContain('unreachable');
    await prom.start();
    expect(prom.running()).toBe(true);
    expect((await evaluateThreshold(prom.client, check)).status).toBe('passed');
  });
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}
