import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertQuery } from '../../src/adapters/alertmanager/create-alertmanager-client.ts';
import type { Alert } from '../../src/adapters/alertmanager/schema.ts';
import { type ServiceStatusInput, serviceStatus } from '../../src/deploys/service-status.ts';
import type { Run } from '../../src/domain/runs/index.ts';
import type { RunView } from '../../src/runs/types.ts';
import { catalog, type DeployWorld, PROD, REV3_AT, startDeployWorld } from './deploy-world.ts';

const now = new Date(REV3_AT.getTime() + 2 * 3_600_000);

/** An active run as the engine reports it (only the run matters to status). */
function activeRun(env: string, state: Run['state'], id = 'r_abcdefghijkl'): RunView {
  const run: Run = {
    id,
    verb: 'deploy',
    target: { service: 'checkout', env },
    requester: 'U01ALICE01',
    state,
    planHash: 'a'.repeat(64),
    steps: [
      {
        index: 0,
        action: 'k8s.set-image',
        params: {},
        reversible: true,
        plan: 'image',
        state: 'running',
      },
    ],
    createdAt: now,
    updatedAt: now,
    expiresAt: now,
  };
  return {
    run,
    approvals: [],
    requirements: {
      command: 'deploy',
      env,
      protected: false,
      approvals: { count: 0, roles: [] },
      reasonRequired: false,
      selfApproval: true,
      approvalTtlMs: 900_000,
    },
    tally: {
      satisfied: true,
      valid: [],
      expired: [],
      stale: [],
      ignored: [],
      needed: 0,
      summary: '',
    },
    progress: '2 of 3 new replicas updated',
  };
}

function alert(name: string, labels: Record<string, string>): Alert {
  return {
    labels: { alertname: name, service: 'checkout', severity: 'page', ...labels },
    annotations: { summary: `${name} summary` },
    startsAt: '2026-11-22T10:30:00Z',
    endsAt: '2026-11-22T11:30:00Z',
    fingerprint: name,
    generatorURL: `http://prometheus/graph?${name}`,
    receivers: [],
    status: { state: 'active', silencedBy: [], inhibitedBy: [] },
  };
}

describe('deploys/service-status against the Kubernetes emulator', () => {
  let w: DeployWorld;
  const queries: AlertQuery[] = [];
  let base: ServiceStatusInput;

  beforeAll(async () => {
    w = await startDeployWorld();
    base = {
      service: 'checkout',
      catalog,
      kube: w.world.ctx.kube,
      engine: {
        active: async () => [
          activeRun('staging', 'executing'),
          activeRun('cart', 'planned', 'r_bbbbbbbbbbbb'),
        ],
      },
      deployLog: w.deployLog,
      alertmanager: {
        alerts: async (query) => {
          queries.push(query ?? {});
          return [
            alert('HighErrorRate', { env: 'staging' }),
            alert('PodsPending', {}),
            alert('Latency', { environment: 'prod' }),
          ];
        },
      },
      prometheus: {
        alerts: async () => {
          throw new Error('Prometheus must not be asked when Alertmanager is configured');
        },
      },
      now: () => now,
    };
  });
  afterAll(async () => {
    await w?.close();
  });

  it('reports revision, image, rollout health, the lock, the last deploy and alerts per environment', async () => {
    const status = await serviceStatus(base);
    expect(status.alertsSource).toBe('alertmanager');
    expect(queries.at(-1)).toEqual({
      filter: [{ name: 'service', value: 'checkout', isRegex: false, isEqual: true }],
      active: true,
      silenced: false,
      inhibited: false,
    });
    const [staging, prod] = status.environments;
    expect(staging).toMatchObject({
      env: 'staging',
      protected: false,
      workload: {
        ok: true,
        value: {
          kind: 'Deployment',
          revision: 3,
          image: 'shop/checkout:1.4.2',
          replicas: { desired: 3, ready: 3 },
        },
      },
      rollout: {
        ok: true,
        value: { state: 'complete', message: 'deployment "checkout" successfully rolled out' },
      },
      runs: {
        ok: true,
        value: [
          {
            id: 'r_abcdefghijkl',
            verb: 'deploy',
            state: 'executing',
            progress: '2 of 3 new replicas updated',
          },
        ],
      },
      lastDeploy: {
        ok: true,
        value: {
          by: 'U01ALICE01',
          toImage: 'shop/checkout:1.4.2',
          evidenceUrl: 'https://mc.example/evidence/e_3',
        },
      },
    });
    const names = (s: typeof staging) =>
      s?.alerts?.ok ? s.alerts.value.map((a) => a.name) : 'unavailable';
    expect(names(staging)).toEqual(['HighErrorRate', 'PodsPending']);
    expect(names(prod)).toEqual(['PodsPending', 'Latency']);
    expect(prod).toMatchObject({
      env: 'prod',
      protected: true,
      workload: { ok: true, value: { kind: 'Rollout', image: 'shop/checkout:2.0.0' } },
      rollout: { ok: true, value: { state: 'complete', message: 'rollout "checkout" is Healthy' } },
      runs: { ok: true, value: [] },
      lastDeploy: { ok: true, value: undefined },
    });
  });

  it('narrows to one environment', async () => {
    const status = await serviceStatus({ ...base, env: 'prod' });
    expect(status.environments.map((e) => e.env)).toEqual(['prod']);
  });

  it('turns each failing source into "unavailable: why" and answers the rest', async () => {
    w.world.emulator.failNext(1, { status: 503, cluster: PROD, pathPattern: 'rollouts' });
    const status = await serviceStatus({
      ...base,
      engine: { active: async () => Promise.reject(new Error('database is closed')) },
      deployLog: { lastDeploy: async () => Promise.reject(new Error('deploys table missing')) },
      alertmanager: { alerts: () => new Promise(() => {}) },
      timeoutMs: 300,
    });
    const [staging, prod] = status.environments;
    expect(staging?.workload.ok).toBe(true);
    expect(prod?.workload).toMatchObject({
      ok: false,
      unavailable: expect.stringMatching(/injected failure \(503\)/),
    });
    expect(prod?.rollout).toEqual(prod?.workload);
    for (const env of [staging, prod]) {
      expect(env?.runs).toEqual({ ok: false, unavailable: 'database is closed' });
      expect(env?.lastDeploy).toEqual({ ok: false, unavailable: 'deploys table missing' });
      expect(env?.alerts).toEqual({
        ok: false,
        unavailable: 'Alertmanager did not answer within 300 ms',
      });
    }
  });

  it('falls back to Prometheus alerts, and leaves alerts out when neither is configured', async () => {
    const { alertmanager: _, ...withoutAm } = base;
    const viaPrometheus = await serviceStatus({
      ...withoutAm,
      env: 'staging',
      prometheus: {
        alerts: async () => [
          { labels: { alertname: 'Up', service: 'checkout' }, annotations: {}, state: 'firing' },
          { labels: { alertname: 'Soon', service: 'checkout' }, annotations: {}, state: 'pending' },
          { labels: { alertname: 'Other', service: 'payments' }, annotations: {}, state: 'firing' },
        ],
      },
    });
    expect(viaPrometheus.environments[0]?.alerts).toEqual({
      ok: true,
      value: [{ name: 'Up', source: 'prometheus' }],
    });
    const { prometheus: __, ...neither } = withoutAm;
    const bare = await serviceStatus({ ...neither, env: 'staging' });
    expect(bare.alertsSource).toBeUndefined();
    expect(bare.environments[0]?.alerts).toBeUndefined();
  });

  it.each([
    [
      { service: 'chekout' },
      'unknown service "chekout"; known: checkout. Did you mean "checkout"?',
    ],
    [{ env: 'qa' }, '`checkout` has no environment `qa`. Known: staging, prod.'],
  ])('refuses %o with the known names', async (extra, message) => {
    await expect(serviceStatus({ ...base, ...extra })).rejects.toThrow(message);
  });
});
