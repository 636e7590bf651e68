import { describe, expect, it } from 'vitest';
import { createExporterModel } from '../../../src/sandbox/exporter/exporter-model.ts';
import { DEFAULT_BUCKETS, latencyShape } from '../../../src/sandbox/exporter/latency.ts';
import { startTestExporter } from '../../../src/sandbox/exporter/test-exporter.ts';

function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (!line) throw new Error(`no line for ${series} in:\n${text}`);
  return Number(line.slice(series.length + 1));
}

// histogram_quantile's own arithmetic: linear interpolation inside the bucket holding the rank.
function histogramQuantile(q: number, bounds: number[], cumulative: number[]): number {
  const rank = q * (cumulative.at(-1) ?? 0);
  const i = cumulative.findIndex((c) => c >= rank);
  const lo = i > 0 ? (bounds[i - 1] ?? 0) : 0;
  const below = i > 0 ? (cumulative[i - 1] ?? 0) : 0;
  return lo + (((bounds[i] ?? 0) - lo) * (rank - below)) / ((cumulative[i] ?? 0) - below);
}

describe('sandbox/exporter', () => {
  it('advances counters at the configured rate per second of the clock', () => {
    let now = 1_000_000;
    const model = createExporterModel({ now: () => now });
    model.setRate('checkout', { ok: 50, error: 1, '503': 2 });
    now += 10_000;
    const text = model.render();
    expect(sample(text, 'http_requests_total{code="200",service="checkout"}')).toBe(500);
    expect(sample(text, 'http_requests_total{code="500",service="checkout"}')).toBe(10);
    expect(sample(text, 'http_requests_total{code="503",service="checkout"}')).toBe(20);
    expect(text).toContain('# TYPE http_requests_total counter');
  });

  it('keeps what was counted when the rate changes, and stops codes left out', () => {
    let now = 0;
    const model = createExporterModel({ now: () => now });
    model.setRate('checkout', { ok: 10, error: 5 });
    now = 4_000;
    model.setRate('checkout', { ok: 100 });
    now = 6_000;
    const text = model.render();
    expect(sample(text, 'http_requests_total{code="200",service="checkout"}')).toBe(40 + 200);
    expect(sample(text, 'http_requests_total{code="500",service="checkout"}')).toBe(20);
  });

  it('fills a cumulative latency histogram whose p95 reads back as configured', () => {
    let now = 0;
    const model = createExporterModel({ now: () => now });
    model.setRate('checkout', { ok: 90, error: 10 });
    model.setLatency('checkout', 0.3);
    now = 60_000;
    const text = model.render();
    const bounds = [...DEFAULT_BUCKETS, Number.POSITIVE_INFINITY];
    const counts = bounds.map((le) =>
      sample(
        text,
        `http_request_duration_seconds_bucket{le="${le === Number.POSITIVE_INFINITY ? '+Inf' : le}",service="checkout"}`,
      ),
    );
    for (let i = 1; i < counts.length; i++)
      expect(counts[i]).toBeGreaterThanOrEqual(counts[i - 1]!);
    expect(counts.at(-1)).toBeCloseTo(6_000, 6);
    expect(sample(text, 'http_request_duration_seconds_count{service="checkout"}')).toBe(6_000);
    expect(histogramQuantile(0.95, bounds, counts)).toBeCloseTo(0.3, 9);
  });

  it.each([0.006, 0.05, 0.12, 0.7, 2, 10])('reads p95 = %s s back exactly', (p95) => {
    const bounds = [...DEFAULT_BUCKETS, Number.POSITIVE_INFINITY];
    const { fractions } = latencyShape(p95, bounds);
    expect(histogramQuantile(0.95, bounds, fractions)).toBeCloseTo(p95, 9);
    expect(histogramQuantile(0.5, bounds, fractions)).toBeLessThan(p95);
  });

  it('renders gauges with escaped label values and spelled-out special values', () => {
    const model = createExporterModel({ now: () => 0 });
    model.setGauge('queue_depth', { service: 'checkout', note: 'a "b"\\c\nd' }, 7);
    model.setGauge('saturation', {}, Number.NaN);
    model.setGauge('headroom', {}, Number.NEGATIVE_INFINITY);
    const text = model.render();
    expect(text).toContain('queue_depth{note="a \\"b\\"\\\\c\\nd",service="checkout"} 7');
    expect(text).toContain('saturation NaN');
    expect(text).toContain('headroom -Inf');
    expect(text).toContain('# TYPE queue_depth gauge');
  });

  it.each([
    ['a metric name with a dash', () => createExporterModel().setGauge('queue-depth', {}, 1)],
    ['a reserved label name', () => createExporterModel().setGauge('q', { __x: 'y' }, 1)],
    ['a negative rate', () => createExporterModel().setRate('s', { ok: -1 })],
    ['a zero p95', () => createExporterModel().setLatency('s', 0)],
    [
      'a gauge over a driven metric',
      () => createExporterModel().setGauge('http_requests_total', {}, 1),
    ],
  ])('refuses %s', (_what, call) => {
    expect(call).toThrow();
  });

  it('serves the text format over HTTP on loopback and counts scrapes', async () => {
    const exporter = await startTestExporter();
    try {
      exporter.setGauge('queue_depth', { service: 'checkout' }, 12);
      const res = await fetch(`${exporter.url}/metrics`);
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(await res.text()).toContain('queue_depth{service="checkout"} 12');
      expect((await fetch(`${exporter.url}/other`)).status).toBe(404);
      expect(exporter.scrapes()).toBe(1);
      expect(exporter.target).toMatch(/^127\.0\.0\.1:\d+$/);
    } finally {
      await exporter.close();
    }
  });
});
