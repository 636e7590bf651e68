import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AlertsData, ApiEnvelope, QueryResult } from '../../../src/adapters/prometheus/schema.ts';

const FIXTURES = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../fixtures/prometheus',
);

function data(name: string): unknown {
  return ApiEnvelope.parse(JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8'))).data;
}

describe('adapters/prometheus/schema', () => {
  it.each([
    ['query-vector.json', 'vector'],
    ['query-rate-vector.json', 'vector'],
    ['query-histogram-quantile.json', 'vector'],
    ['query-ALERTS.json', 'vector'],
    ['query-empty-vector.json', 'vector'],
    ['query-inf.json', 'vector'],
    ['query-range-matrix.json', 'matrix'],
    ['query-scalar.json', 'scalar'],
    ['query-nan.json', 'scalar'],
    ['query-string.json', 'string'],
  ])('reads %s (captured from Prometheus 2.42) as a %s', (file, type) => {
    expect(QueryResult.parse(data(file)).type).toBe(type);
  });

  it('gives vector series their labels, time and numeric value', () => {
    const result = QueryResult.parse(data('query-rate-vector.json'));
    expect(result).toMatchObject({
      type: 'vector',
      series: [
        { labels: { code: '200', service: 'checkout' }, value: 23.479128749999997 },
        { labels: { code: '500', service: 'checkout' } },
      ],
    });
    if (result.type !== 'vector') throw new Error('not a vector');
    expect(result.series[0]?.time).toBeCloseTo(1795332090.107, 3);
  });

  it('represents no data as an empty series list, not undefined', () => {
    expect(QueryResult.parse(data('query-empty-vector.json'))).toEqual({
      type: 'vector',
      series: [],
    });
  });

  it('reads NaN and +Inf as numbers', () => {
    expect(QueryResult.parse(data('query-nan.json'))).toMatchObject({ type: 'scalar', value: NaN });
    expect(QueryResult.parse(data('query-inf.json'))).toMatchObject({
      series: [{ value: Number.POSITIVE_INFINITY }],
    });
    const negative = { resultType: 'scalar', result: [1, '-Inf'] };
    expect(QueryResult.parse(negative)).toMatchObject({ value: Number.NEGATIVE_INFINITY });
  });

  it('reads matrix samples in order', () => {
    const result = QueryResult.parse(data('query-range-matrix.json'));
    if (result.type !== 'matrix') throw new Error(`got ${result.type}`);
    expect(result.series[0]?.samples.map((s) => s.value)).toEqual([7, 7, 7, 7]);
  });

  it.each([
    ['a value that is not a number', { resultType: 'scalar', result: [1, 'lots'] }],
    ['an empty value', { resultType: 'scalar', result: [1, ''] }],
    ['an unknown result type', { resultType: 'histogram', result: [] }],
    ['a vector without values', { resultType: 'vector', result: [{ metric: {} }] }],
  ])('rejects %s', (_what, input) => {
    expect(QueryResult.safeParse(input).success).toBe(false);
  });

  it('reads the rule evaluator alerts, value included', () => {
    const alerts = AlertsData.parse(data('alerts-firing.json')).alerts;
    expect(alerts[0]).toMatchObject({
      state: 'firing',
      value: 500,
      labels: { alertname: 'QueueBacklog', service: 'checkout' },
    });
    expect(AlertsData.parse(data('alerts-empty.json')).alerts).toEqual([]);
  });

  it('reads the error envelope of a bad query', () => {
    const envelope = ApiEnvelope.parse(
      JSON.parse(readFileSync(path.join(FIXTURES, 'error-bad-data.json'), 'utf8')),
    );
    expect(envelope).toMatchObject({ status: 'error', errorType: 'bad_data' });
  });
});
