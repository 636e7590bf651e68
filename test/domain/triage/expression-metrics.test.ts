import { describe, expect, it } from 'vitest';
import {
  expressionMetrics,
  generatorMetrics,
} from '../../../src/domain/triage/expression-metrics.ts';

describe('domain/triage/expression-metrics', () => {
  it.each<[string, string, string[]]>([
    [
      'a ratio with label matchers and a by clause',
      'sum by (pool) (hikaricp_connections_pending{pool="HikariPool-1"}) / sum by (pool) (hikaricp_connections_max) > 0.9',
      ['hikaricp_connections_pending', 'hikaricp_connections_max'],
    ],
    [
      'functions, ranges and keywords are not metrics',
      'max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}[5m]) >= 1 and on (namespace) kube_pod_info',
      ['kube_pod_container_status_waiting_reason', 'kube_pod_info'],
    ],
    ['the up metric', 'up{job="payments"} == 0', ['up']],
    [
      'recording rules keep their colons',
      'slo:sli_error:ratio_rate5m > (14.4 * 0.001)',
      ['slo:sli_error:ratio_rate5m'],
    ],
    ['no metric at all', 'vector(1)', []],
  ])('reads %s', (_, expr, metrics) => {
    expect(expressionMetrics(expr)).toEqual(metrics);
  });

  it('reads the expression from a Prometheus generatorURL, and nothing from other links', () => {
    const expr = 'redis_connected_clients / redis_config_maxclients > 0.9';
    expect(
      generatorMetrics(
        `http://prometheus.monitoring:9090/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=1`,
      ),
    ).toEqual(['redis_connected_clients', 'redis_config_maxclients']);
    expect(generatorMetrics('https://acme.pagerduty.com/incidents/Q1')).toEqual([]);
    expect(generatorMetrics('not a url')).toEqual([]);
    expect(generatorMetrics(undefined)).toEqual([]);
  });
});
