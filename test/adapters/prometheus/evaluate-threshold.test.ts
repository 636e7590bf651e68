import { describe, expect, it } from 'vitest';
import type { PrometheusClient } from '../../../src/adapters/prometheus/create-prometheus-client.ts';
import {
  type Comparison,
  evaluateThreshold,
  formatNumber,
} from '../../../src/adapters/prometheus/evaluate-threshold.ts';
import { PrometheusError } from '../../../src/adapters/prometheus/prometheus-error.ts';
import type { QueryResult } from '../../../src/adapters/prometheus/schema.ts';

// A hand-written fake: answers every query with one fixed result, or fails with one error.
function fake(answer: QueryResult | Error): Pick<PrometheusClient, 'query'> {
  return {
    query: async () => {
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

const vector = (...values: Array<[string, number]>): QueryResult => ({
  type: 'vector',
  series: values.map(([service, value]) => ({ labels: { service }, time: 1, value })),
});
const scalar = (value: number): QueryResult => ({ type: 'scalar', time: 1, value });

describe('adapters/prometheus/evaluate-threshold', () => {
  it.each<[string, QueryResult, Comparison, number, 'passed' | 'failed']>([
    ['below a maximum', scalar(0.004), '<', 0.01, 'passed'],
    ['above a maximum', scalar(0.02), '<', 0.01, 'failed'],
    ['equal to a strict maximum', scalar(0.01), '<', 0.01, 'failed'],
    ['equal to an inclusive maximum', scalar(0.01), '<=', 0.01, 'passed'],
    ['above a minimum', scalar(5), '>', 3, 'passed'],
    ['below a minimum', scalar(2), '>=', 3, 'failed'],
    ['equal when equality is wanted', scalar(3), '==', 3, 'passed'],
    ['different when inequality is wanted', scalar(3), '!=', 4, 'passed'],
    ['+Inf against a maximum', scalar(Number.POSITIVE_INFINITY), '<', 1, 'failed'],
  ])('a value %s is %s', async (_what, answer, comparison, threshold, status) => {
    const result = await evaluateThreshold(fake(answer), { query: 'q', comparison, threshold });
    expect(result.status).toBe(status);
  });

  it('fails a vector on its worst series and names it', async () => {
    const answer = vector(['checkout', 0.02], ['search', 0.3], ['cart', 0.001]);
    const result = await evaluateThreshold(fake(answer), {
      query: 'error_ratio',
      comparison: '<',
      threshold: 0.05,
    });
    expect(result).toEqual({
      status: 'failed',
      value: 0.3,
      labels: { service: 'search' },
      reason: 'error_ratio {service="search"} = 0.3 is not < 0.05 (worst of 3 series)',
    });
  });

  it('passes a vector only when every series passes, reporting the closest one', async () => {
    const answer = vector(['checkout', 12], ['search', 4]);
    const result = await evaluateThreshold(fake(answer), {
      query: 'ready_pods',
      comparison: '>=',
      threshold: 3,
    });
    expect(result).toMatchObject({ status: 'passed', value: 4, labels: { service: 'search' } });
  });

  it('lets a failing series win over a NaN one: a known failure is the stronger answer', async () => {
    const answer = vector(['idle', Number.NaN], ['search', 0.3]);
    const result = await evaluateThreshold(fake(answer), {
      query: 'r',
      comparison: '<',
      threshold: 0.05,
    });
    expect(result).toMatchObject({ status: 'failed', labels: { service: 'search' } });
  });

  it.each<[string, QueryResult | Error, RegExp]>([
    ['NaN scalar', scalar(Number.NaN), /is NaN/],
    [
      'NaN series among passing ones',
      vector(['checkout', 0.01], ['idle', Number.NaN]),
      /idle.*is NaN/,
    ],
    ['no series', vector(), /returned no series/],
    ['a matrix', { type: 'matrix', series: [] }, /returned a matrix/],
    ['a string', { type: 'string', time: 1, value: 'x' }, /returned a string/],
    [
      'an unreachable Prometheus',
      new PrometheusError('unreachable', 'Prometheus at http://p is unreachable (ECONNREFUSED)'),
      /unreachable \(ECONNREFUSED\)/,
    ],
    ['a bad query', new PrometheusError('http', 'rejected (HTTP 400, bad_data)'), /bad_data/],
  ])('%s is inconclusive, never passed', async (_what, answer, reason) => {
    const result = await evaluateThreshold(fake(answer), {
      query: 'q',
      comparison: '<',
      threshold: 1,
    });
    expect(result.status).toBe('inconclusive');
    expect(result.reason).toMatch(reason);
  });

  it('treats a NaN threshold as inconclusive', async () => {
    const result = await evaluateThreshold(fake(scalar(1)), {
      query: 'q',
      comparison: '<',
      threshold: Number.NaN,
    });
    expect(result.status).toBe('inconclusive');
  });

  it.each([
    [0.019607843137, '0.01961'],
    [50.000001, '50'],
    [Number.NaN, 'NaN'],
    [Number.NEGATIVE_INFINITY, '-Inf'],
  ])('formats %s as %s', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });
});
