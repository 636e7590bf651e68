import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DORA_METRIC_NAMES } from '../../src/dora/dora-metrics.ts';

const dashboard = JSON.parse(
  readFileSync(new URL('../../dashboards/dora.json', import.meta.url), 'utf8'),
) as {
  panels: { title: string; targets: { expr: string }[] }[];
  templating: { list: { query?: unknown }[] };
};

const HISTOGRAM_SERIES = ['_bucket', '_sum', '_count'];
const ALLOWED = new Set(
  DORA_METRIC_NAMES.flatMap((name) =>
    name.endsWith('_seconds') ? HISTOGRAM_SERIES.map((s) => name + s) : [name],
  ),
);
// PromQL words that are not series: functions, aggregations, keywords, label names.
const NOT_SERIES = new Set([
  'sum',
  'by',
  'increase',
  'rate',
  'histogram_quantile',
  'le',
  'service',
  'env',
  'outcome',
  'label_values',
  'without',
  'max',
  'min',
  'avg',
  'count',
  'on',
  'ignoring',
]);

/** Every series name in a PromQL expression: identifiers outside strings and label matchers. */
function seriesIn(expr: string): string[] {
  // Strings, label matchers and range selectors hold no series names.
  const bare = expr
    .replace(/"[^"]*"/g, '')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '');
  const names = bare.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [];
  return names.filter((n) => !NOT_SERIES.has(n));
}

describe('dashboards/dora.json', () => {
  const exprs = [
    ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)),
    ...dashboard.templating.list.flatMap((v) =>
      typeof v.query === 'object' && v.query !== null ? [(v.query as { query: string }).query] : [],
    ),
  ];

  it('graphs the four keys', () => {
    expect(dashboard.panels.map((p) => p.title)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Deployment frequency/),
        expect.stringMatching(/^Lead time/),
        expect.stringMatching(/^Change failure rate/),
        expect.stringMatching(/^Time to restore/),
      ]),
    );
  });

  it('uses only the DORA metrics in every expression', () => {
    expect(exprs.length).toBeGreaterThan(4);
    for (const expr of exprs) {
      const series = seriesIn(expr);
      expect(series.length, expr).toBeGreaterThan(0);
      for (const name of series) expect(ALLOWED, `${name} in ${expr}`).toContain(name);
    }
  });

  it('the check sees a foreign metric', () => {
    expect(seriesIn('sum(rate(http_requests_total{job="x"}[5m]))')).toEqual([
      'http_requests_total',
    ]);
  });
});
