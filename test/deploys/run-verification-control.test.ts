import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { PrometheusClient } from '../../src/adapters/prometheus/create-prometheus-client.ts';
import { runVerification } from '../../src/deploys/run-verification.ts';
import { captureLogs } from '../support/slack-logs.ts';

const checks = [{ name: 'error-ratio', query: 'ratio', comparison: '<' as const, threshold: 0.01 }];

/** A hand-written Prometheus answering every query with `value`, counting the queries. */
function fakePrometheus(value: number) {
  const asked: string[] = [];
  const client: Pick<PrometheusClient, 'query' | 'graphUrl'> = {
    async query(promql) {
      asked.push(promql);
      return { type: 'vector', series: [{ labels: {}, time: 0, value }] };
    },
    graphUrl: (promql) => `http://prom/graph?g0.expr=${encodeURIComponent(promql)}`,
  };
  return { client, asked };
}

describe('deploys/run-verification: control', () => {
  it('stops as aborted when the signal fires during the wait, without evaluating again', async () => {
    const prom = fakePrometheus(0);
    const controller = new AbortController();
    const outcome = await runVerification({
      checks,
      prometheus: prom.client,
      interval: 50,
      signal: controller.signal,
      onInterval: (r) => {
        if (r.number === 2) controller.abort('the run was cancelled');
      },
    });
    expect(outcome).toMatchObject({
      status: 'aborted',
      reason: 'verification stopped: the run was cancelled',
    });
    expect(outcome.intervals).toHaveLength(2);
    expect(prom.asked).toHaveLength(2);
  });

  it('goes on when reporting an interval fails, and logs it', async () => {
    const logs = captureLogs();
    const outcome = await runVerification({
      checks,
      prometheus: fakePrometheus(0.001).client,
      interval: 0,
      log: logs.log,
      onInterval: () => {
        throw new Error('chat.update failed');
      },
    });
    expect(outcome.status).toBe('healthy');
    expect(
      logs
        .find('reporting a verification interval failed; the window goes on')
        .map((l) => l.interval),
    ).toEqual([1, 2, 3]);
  });

  it('waits one interval before each evaluation, with the sleep it is given', async () => {
    const waits: number[] = [];
    const outcome = await runVerification({
      checks,
      prometheus: fakePrometheus(0.5).client,
      interval: 30_000,
      sleep: async (ms) => {
        waits.push(ms);
        await delay(0);
      },
    });
    expect(outcome.status).toBe('breached');
    expect(outcome.breach).toMatchObject({
      name: 'error-ratio',
      value: 0.5,
      graphUrl: 'http://prom/graph?g0.expr=ratio',
    });
    expect(waits).toEqual([30_000]);
  });

  it('rejects a negative interval', async () => {
    await expect(
      runVerification({ checks, prometheus: fakePrometheus(0).client, interval: -1 }),
    ).rejects.toThrow(/interval must be a number of milliseconds >= 0/);
  });
});
