import { describe, expect, it } from 'vitest';
import { evaluateQuery } from '../../../src/sandbox/prometheus/evaluate-query.ts';
import type { EnvSample, MetricsSnapshot } from '../../../src/sandbox/prometheus/snapshot.ts';
import { loadRepoConfig } from '../../support/slack.ts';

const env = (over: Partial<EnvSample>): EnvSample => ({
  service: 'checkout',
  env: 'prod',
  namespace: 'checkout',
  rps: 100,
  errorRatio: 0,
  latencyP95: 0.2,
  ready: 3,
  replicas: 3,
  ...over,
});

const snapshot: MetricsSnapshot = {
  at: 0,
  envs: [
    env({ errorRatio: 0.02 }),
    env({ env: 'staging', rps: 10, errorRatio: 0.5, latencyP95: 0.3 }),
    env({ service: 'payments', namespace: 'payments', latencyP95: 1.2 }),
    env({ service: 'gateway', namespace: 'edge', latencyP95: 0.05 }),
  ],
  pods: [
    {
      namespace: 'checkout',
      pod: 'checkout-abc-1',
      container: 'app',
      restarts: 4,
      lastTerminatedReason: 'Error',
    },
    { namespace: 'checkout', pod: 'checkout-abc-2', container: 'app', restarts: 0 },
    { namespace: 'payments', pod: 'payments-x-1', container: 'app', restarts: 0 },
  ],
};

const value = (q: string) => evaluateQuery(q, snapshot)[0]?.value;
// checkout over both envs: (100×0.02 + 10×0.5) / 110
const CHECKOUT_RATIO = 7 / 110;

describe('sandbox/prometheus/evaluate-query', () => {
  it('answers every SLO query of catalog.yml with one number', async () => {
    const { catalog } = await loadRepoConfig();
    for (const [service, spec] of Object.entries(catalog.services)) {
      for (const slo of spec.slo) {
        const result = evaluateQuery(slo.query, snapshot);
        expect(result, `${service} ${slo.name}`).toHaveLength(1);
        expect(Number.isFinite(result[0]?.value), `${service} ${slo.name}`).toBe(true);
      }
    }
  });

  it.each([
    [
      'error ratio',
      'sum(rate(http_requests_total{service="checkout",code=~"5.."}[5m])) / sum(rate(http_requests_total{service="checkout"}[5m]))',
      CHECKOUT_RATIO,
    ],
    [
      'error ratio of one env',
      'sum(rate(http_requests_total{service="checkout",env="staging",code=~"5.."}[5m])) / sum(rate(http_requests_total{service="checkout",env="staging"}[5m]))',
      0.5,
    ],
    [
      'burn rate',
      '(sum(rate(http_requests_total{service="checkout",code=~"5.."}[1h])) / sum(rate(http_requests_total{service="checkout"}[1h]))) / (1 - 0.995)',
      CHECKOUT_RATIO / 0.005,
    ],
    [
      'budget left',
      '1 - (sum(increase(http_requests_total{service="checkout",code=~"5.."}[30d])) / sum(increase(http_requests_total{service="checkout"}[30d])))',
      1 - CHECKOUT_RATIO,
    ],
    [
      'p95 latency (rps-weighted)',
      'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service="checkout"}[5m])))',
      (100 * 0.2 + 10 * 0.3) / 110,
    ],
    [
      'p95 of payments',
      'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service="payments"}[5m])))',
      1.2,
    ],
    ['request rate', 'sum(rate(http_requests_total{service="checkout"}[5m]))', 110],
    ['5xx rate', 'sum(rate(http_requests_total{service="checkout",code=~"5.."}[5m]))', 7],
  ])('%s', (_name, query, expected) => {
    expect(value(query)).toBeCloseTo(expected, 9);
  });

  it('keeps grouping labels of `by (...)`', () => {
    const [s] = evaluateQuery(
      'sum by (route, code) (rate(http_requests_total{service="checkout",code=~"5.."}[5m]))',
      snapshot,
    );
    expect(s?.metric).toEqual({ route: '/api', code: '503' });
  });

  it('reads kube-state restarts per pod of a namespace, and filters with a comparison', () => {
    const q = 'increase(kube_pod_container_status_restarts_total{namespace="checkout"}[30m])';
    expect(evaluateQuery(q, snapshot).map((s) => [s.metric.pod, s.value])).toEqual([
      ['checkout-abc-1', 4],
      ['checkout-abc-2', 0],
    ]);
    expect(evaluateQuery(`${q} > 0`, snapshot).map((s) => s.metric.pod)).toEqual([
      'checkout-abc-1',
    ]);
    expect(
      evaluateQuery(
        'kube_pod_container_status_last_terminated_reason{namespace="checkout"} == 1',
        snapshot,
      ),
    ).toEqual([
      {
        metric: { namespace: 'checkout', pod: 'checkout-abc-1', container: 'app', reason: 'Error' },
        value: 1,
      },
    ]);
  });

  it('a comparison inside parentheses is not a filter; a false filter leaves nothing', () => {
    expect(
      value('(sum(rate(http_requests_total{service="checkout"}[5m]))) > 1000'),
    ).toBeUndefined();
    expect(value('sum(rate(http_requests_total{service="checkout"}[5m])) > 100')).toBe(110);
  });

  it('answers an unknown service or expression with no series (inconclusive, never a pass)', () => {
    expect(evaluateQuery('sum(rate(http_requests_total{service="nope"}[5m]))', snapshot)).toEqual(
      [],
    );
    expect(evaluateQuery('node_load1', snapshot)).toEqual([]);
  });
});
