import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createKubeClients } from '../../src/adapters/kubernetes/create-kube-clients.ts';
import { Catalog } from '../../src/config/schema.ts';
import {
  evaluateChecks,
  type IntervalReport,
  runVerification,
} from '../../src/deploys/run-verification.ts';
import { serviceStatus } from '../../src/deploys/service-status.ts';
import { startTestExporter, type TestExporter } from '../../src/sandbox/exporter/test-exporter.ts';
import { requireBinary, startPrometheus, type TestPrometheus } from '../support/prometheus.ts';

const PROMETHEUS = requireBinary('prometheus');

// The repo's own catalog: its checkout SLO queries read the exporter's metric names.
const catalog = Catalog.parse(parseYaml(readFileSync('catalog.yml', 'utf8')));
const checkout = catalog.services.checkout!;
const checks = checkout.slo;
const errorRatio = checks.find((c) => c.name === 'error-ratio')!;

const RULES = `
groups:
  - name: mc-test
    rules:
      - alert: CheckoutErrorRate
        expr: '${errorRatio.query} > ${errorRatio.threshold}'
        labels: { service: checkout, severity: page }
        annotations: { summary: 'checkout 5xx ratio at {{ $value }}' }
`;

const INTERVAL = 1_000;

describe.skipIf(!PROMETHEUS)('deploys/run-verification against a real Prometheus', () => {
  let exporter: TestExporter;
  let prom: TestPrometheus;

  beforeAll(async () => {
    exporter = await startTestExporter();
    exporter.setRate('checkout', { ok: 50, error: 0 });
    exporter.setLatency('checkout', 0.1);
    prom = await startPrometheus({
      binary: PROMETHEUS,
      scrapeTargets: [exporter.target],
      rules: RULES,
    });
    // rate() needs two samples in its window: wait until every catalog check has a clean answer.
    const deadline = Date.now() + 20_000;
    for (let i = 0; i < 200 && Date.now() < deadline; i++) {
      const results = await evaluateChecks(checks, prom.client);
      if (results.every((r) => r.status === 'passed')) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    console.log(`prometheus ready for the SLO checks ${prom.startupMs} ms after spawn`);
  });

  afterAll(async () => {
    await prom?.close();
    await exporter?.close();
  });

  it('promotes a healthy release after 3 consecutive healthy intervals', async () => {
    const reports: IntervalReport[] = [];
    const t0 = Date.now();
    const outcome = await runVerification({
      checks,
      prometheus: prom.client,
      interval: INTERVAL,
      required: 3,
      onInterval: (r) => {
        reports.push(r);
      },
    });
    const elapsed = Date.now() - t0;
    console.log(`healthy window (3 × ${INTERVAL} ms): ${elapsed} ms`);
    expect(outcome.status).toBe('healthy');
    expect(outcome.intervals).toHaveLength(3);
    expect(outcome.intervals.flatMap((i) => i.results.map((r) => r.status))).toEqual(
      Array(9).fill('passed'),
    );
    expect(reports.map((r) => r.line.split(' · ').slice(0, 2).join(' · '))).toEqual([
      'interval 1 · 1 of 3 healthy',
      'interval 2 · 2 of 3 healthy',
      'interval 3 · healthy',
    ]);
    expect(elapsed).toBeGreaterThanOrEqual(3 * INTERVAL);
    expect(elapsed).toBeLessThan(3 * INTERVAL + 3_000);
  });

  it('pauses as inconclusive when Prometheus stops mid-window, and Continue can finish it', async () => {
    const t0 = Date.now();
    const outcome = await runVerification({
      checks,
      prometheus: prom.client,
      interval: INTERVAL,
      onInterval: async (r) => {
        if (r.number === 1) await prom.stop();
      },
    });
    console.log(
      `window with Prometheus stopped after interval 1: inconclusive in ${Date.now() - t0} ms`,
    );
    expect(outcome.status).toBe('inconclusive');
    expect(outcome.intervals).toHaveLength(2);
    expect(outcome.breach).toBeUndefined();
    const second = outcome.intervals[1]!.results;
    expect(second.map((r) => r.status)).toEqual(['inconclusive', 'inconclusive', 'inconclusive']);
    expect(second[0]?.reason).toMatch(/could not evaluate .*(reach|refused|ECONNREFUSED)/i);
    expect(outcome.reason).toMatch(/interval 2 was inconclusive.*person must decide/);

    await prom.start();
    const continued = await runVerification({
      checks,
      prometheus: prom.client,
      interval: INTERVAL,
      resume: outcome.state,
    });
    expect(continued.status).toBe('healthy');
    expect(continued.intervals.map((i) => i.number)).toEqual([3, 4, 5]);
  });

  it('breaches when the error ratio goes over the threshold, naming query and value', async () => {
    const t0 = Date.now();
    let raisedAt = 0;
    const outcome = await runVerification({
      checks,
      prometheus: prom.client,
      interval: INTERVAL,
      // More than the few intervals a breach takes to show, so a slow scrape cannot promote.
      required: 5,
      maxIntervals: 10,
      onInterval: (r) => {
        if (r.number === 1) {
          exporter.setRate('checkout', { ok: 50, error: 50 });
          raisedAt = Date.now();
        }
      },
    });
    console.log(
      `breach detected ${Date.now() - raisedAt} ms after the error ratio rose (window ${Date.now() - t0} ms, ${outcome.intervals.length} intervals)`,
    );
    expect(outcome.status).toBe('breached');
    expect(outcome.intervals.length).toBeGreaterThanOrEqual(2);
    expect(outcome.breach).toMatchObject({
      name: 'error-ratio',
      query: errorRatio.query,
      comparison: '<',
      threshold: 0.01,
      status: 'failed',
      graphUrl: prom.client.graphUrl(errorRatio.query),
    });
    expect(outcome.breach?.value).toBeGreaterThan(0.01);
    expect(outcome.breach?.graphUrl.startsWith(`${prom.url}/graph?g0.expr=`)).toBe(true);
  });

  it('shows the firing alert in status while Kubernetes is unavailable', async () => {
    const deadline = Date.now() + 15_000;
    let firing = false;
    for (let i = 0; i < 100 && !firing && Date.now() < deadline; i++) {
      const alerts = await prom.client.alerts();
      firing = alerts.some(
        (a) => a.labels.alertname === 'CheckoutErrorRate' && a.state === 'firing',
      );
      if (!firing) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(firing).toBe(true);
    const status = await serviceStatus({
      service: 'checkout',
      env: 'staging',
      catalog,
      kube: createKubeClients(new KubeConfig()),
      engine: { active: async () => [] },
      deployLog: { lastDeploy: async () => undefined },
      prometheus: prom.client,
    });
    const [staging] = status.environments;
    expect(status.alertsSource).toBe('prometheus');
    expect(staging?.alerts).toMatchObject({
      ok: true,
      value: [{ name: 'CheckoutErrorRate', severity: 'page', source: 'prometheus' }],
    });
    expect(staging?.workload).toMatchObject({
      ok: false,
      unavailable: expect.stringMatching(/kubeconfig has no context "gke_acme-staging/),
    });
    expect(staging?.runs).toEqual({ ok: true, value: [] });
  });
});
