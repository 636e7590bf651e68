import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeClients } from '../../src/adapters/kubernetes/create-kube-clients.ts';
import { createPagerDutyClient } from '../../src/adapters/pagerduty/client.ts';
import { createPrometheusClient } from '../../src/adapters/prometheus/create-prometheus-client.ts';
import { Catalog } from '../../src/config/schema.ts';
import {
  DRILL_FINISHED,
  type DrillResult,
  drillSubject,
} from '../../src/domain/drills/drill-result.ts';
import { GatePlaybook } from '../../src/domain/playbooks/gate-schema.ts';
import { createDrillResults } from '../../src/drills/drill-results.ts';
import { createLedger } from '../../src/evidence/ledger/create-ledger.ts';
import { decideGate } from '../../src/gates/decide-gate.ts';
import { runGateChecks } from '../../src/gates/run-checks.ts';
import { startTestExporter, type TestExporter } from '../../src/sandbox/exporter/test-exporter.ts';
import {
  type KubeEmulator,
  kubeConfigFor,
  startKubeEmulator,
} from '../../src/sandbox/kubernetes/index.ts';
import {
  type PagerDutyEmulator,
  startPagerDutyEmulator,
} from '../../src/sandbox/pagerduty/emulator.ts';
import { openStore, type Store } from '../../src/store/open-store.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { requireBinary, startPrometheus, type TestPrometheus } from '../support/prometheus.ts';
import { STAGING } from '../support/runs-e2e.ts';
import { CHECKOUT, seedReleases } from '../support/runs-e2e-kube.ts';
import { loadRepoConfig } from '../support/slack.ts';

const PROMETHEUS = requireBinary('prometheus');
const NOW = new Date();
const log = createLogger({ level: 'silent' });

/** One gate per check kind, so each result can be read by gate name. */
const SET = GatePlaybook.parse({
  id: 'test',
  kind: 'gate',
  title: 'Test gate',
  description: 'Every check kind once.',
  gates: [
    {
      name: 'Error ratio',
      checks: [
        {
          id: 'errors',
          kind: 'promql',
          title: 'Error ratio under 1%',
          query:
            'sum(rate(http_requests_total{service="{{ service }}",code=~"5.."}[1m])) / sum(rate(http_requests_total{service="{{ service }}"}[1m]))',
          comparison: '<',
          threshold: 0.01,
        },
      ],
    },
    { name: 'Incidents', checks: [{ id: 'pd', kind: 'pagerduty-open-incidents', title: 'None' }] },
    { name: 'Rollout', checks: [{ id: 'ro', kind: 'rollout-healthy', title: 'Rolled out' }] },
    { name: 'Pinned', checks: [{ id: 'pin', kind: 'images-pinned', title: 'Pinned' }] },
    {
      name: 'Drills',
      checks: [
        { id: 'drill', kind: 'drill-fresh', title: 'Fresh', scenario: 'pod-kill', within: '30d' },
      ],
    },
    { name: 'Freeze', checks: [{ id: 'freeze', kind: 'change-freeze', title: 'Open' }] },
  ],
});

describe.skipIf(!PROMETHEUS)('gate checks against real parts', () => {
  let kube: KubeEmulator;
  let pd: PagerDutyEmulator;
  let store: Store;
  let exporter: TestExporter;
  let prom: TestPrometheus;
  let catalog: Catalog;

  beforeAll(async () => {
    kube = await startKubeEmulator({ tickMs: 10 });
    await seedReleases(kube, STAGING, CHECKOUT, ['shop/checkout:1.4.1', 'shop/checkout:1.4.2']);
    pd = await startPagerDutyEmulator({ users: [{ name: 'mc', email: 'mc@acme.test' }] });
    pd.seedService({ id: 'PCHK7Q2', name: 'checkout (prod)' });
    store = await openStore({ dataDir: null, log });
    exporter = await startTestExporter();
    exporter.setRate('checkout', { ok: 50, error: 0 });
    prom = await startPrometheus({ binary: PROMETHEUS, scrapeTargets: [exporter.target] });
    catalog = (await loadRepoConfig()).catalog;
  });
  afterAll(async () => {
    await prom?.close();
    await exporter?.close();
    await store?.close();
    await pd?.close();
    await kube?.close();
  });

  const run = (overrides: { catalog?: Catalog; prometheusUrl?: string } = {}) =>
    runGateChecks(
      SET,
      { service: 'checkout', env: 'staging', version: '1.4.2' },
      {
        catalog: overrides.catalog ?? catalog,
        kube: createKubeClients(kubeConfigFor(kube, [STAGING], { clusterPerContext: true })),
        prometheus: createPrometheusClient({
          url: overrides.prometheusUrl ?? prom.url,
          timeoutMs: 2_000,
          log,
        }),
        pagerduty: createPagerDutyClient({
          token: pd.token,
          apiUrl: pd.url,
          log,
          retry: { maxRetries: 0 },
        }),
        drills: createDrillResults(store.db),
        clock: () => NOW,
      },
    );
  const byGate = async (results: ReturnType<typeof run>) =>
    Object.fromEntries((await results).map((g) => [g.name, g.checks[0]]));

  it('measures each check and says why it did not pass', async () => {
    // Wait (bounded) until Prometheus has two samples to take a rate over.
    let r = await byGate(run());
    for (let i = 0; i < 60 && r['Error ratio']?.status !== 'passed'; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      r = await byGate(run());
    }
    expect(r['Error ratio']).toMatchObject({ status: 'passed', value: '0' });
    expect(r['Error ratio']?.link).toMatch(/\/graph\?g0\.expr=/);
    expect(r.Incidents).toMatchObject({ status: 'passed', value: '0' });
    expect(r.Rollout).toMatchObject({ status: 'passed', value: '3/3 available' });
    expect(r.Pinned).toMatchObject({ status: 'failed', value: '0/1 pinned' });
    expect(r.Pinned?.reason).toContain('app=`shop/checkout:1.4.2`');
    expect(r.Drills).toMatchObject({ status: 'failed' });
    expect(r.Drills?.reason).toBe('no pod-kill drill of checkout in staging within 30d');
    expect(r.Freeze).toMatchObject({ status: 'passed' });
  });

  it('turns each check around when the world changes', async () => {
    exporter.setRate('checkout', { ok: 10, error: 40 });
    pd.seedIncident({ title: 'Checkout 5xx', serviceId: 'PCHK7Q2', urgency: 'high' });
    const ledger = createLedger(store.db, { log });
    const drill: DrillResult = {
      drillId: 'd1',
      scenario: 'pod-kill',
      service: 'checkout',
      env: 'staging',
      outcome: 'passed',
      startedAt: new Date(NOW.getTime() - 86_400_000).toISOString(),
      finishedAt: new Date(NOW.getTime() - 86_000_000).toISOString(),
      recoverySeconds: 42,
      rtoSeconds: 900,
      requestedBy: 'U0ONCALL01',
      evidenceUrl: 'https://mc.test/evidence/ev_1',
    };
    await ledger.append({
      actor: 'mc',
      kind: DRILL_FINISHED,
      subject: drillSubject('checkout', 'staging'),
      data: drill,
    });
    const raw = structuredClone(catalog);
    raw.environments.staging!.freeze = [
      {
        start: new Date(NOW.getTime() - 3_600_000).toISOString(),
        end: new Date(NOW.getTime() + 3_600_000).toISOString(),
        reason: 'Black Friday',
      },
    ];
    let r = await byGate(run({ catalog: Catalog.parse(raw) }));
    for (let i = 0; i < 80 && r['Error ratio']?.status !== 'failed'; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      r = await byGate(run({ catalog: Catalog.parse(raw) }));
    }
    expect(r['Error ratio']?.status).toBe('failed');
    expect(Number(r['Error ratio']?.value)).toBeGreaterThan(0.01);
    expect(r.Incidents).toMatchObject({ status: 'failed', value: '1' });
    expect(r.Incidents?.reason).toContain('Checkout 5xx');
    expect(r.Drills).toMatchObject({
      status: 'passed',
      value: '42 s recovery',
      link: 'https://mc.test/evidence/ev_1',
    });
    expect(r.Freeze?.status).toBe('failed');
    expect(r.Freeze?.reason).toContain('Black Friday');
  });

  it('an unreachable Prometheus is inconclusive, never passed, and the gate is NO-GO', async () => {
    const results = await run({ prometheusUrl: 'http://127.0.0.1:1' });
    const errors = results.find((g) => g.name === 'Error ratio')?.checks[0];
    expect(errors?.status).toBe('inconclusive');
    const decision = decideGate({
      results,
      waivers: [],
      signOffs: [],
      requiredRoles: [],
      now: NOW,
    });
    expect(decision.decision).toBe('NO-GO');
    expect(decision.counts.inconclusive).toBeGreaterThanOrEqual(1);
  });
});
