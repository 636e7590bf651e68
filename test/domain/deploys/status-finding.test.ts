import { describe, expect, it } from 'vitest';
import type { EnvironmentStatus, ServiceStatus } from '../../../src/domain/deploys/status-model.ts';
import { statusFindings } from '../../../src/findings/status.ts';

const at = new Date('2026-11-22T12:00:00Z');
const prod: EnvironmentStatus = {
  env: 'prod',
  protected: true,
  workload: {
    ok: true,
    value: {
      kind: 'Deployment',
      name: 'checkout',
      namespace: 'checkout',
      context: 'ctx',
      revision: 7,
      image: 'shop/checkout:1.4.2',
      replicas: { desired: 3, ready: 2, updated: 3, available: 2 },
    },
  },
  rollout: {
    ok: true,
    value: { state: 'progressing', message: '2 of 3 updated replicas are available...' },
  },
  runs: {
    ok: true,
    value: [
      {
        id: 'r_abcdefghijkl',
        verb: 'deploy',
        state: 'executing',
        requester: 'U01ALICE01',
        since: at,
      },
    ],
  },
  lastDeploy: {
    ok: true,
    value: {
      id: 'd_aaaaaaaaaaaa',
      service: 'checkout',
      env: 'prod',
      toImage: 'shop/checkout:1.4.2',
      kind: 'deploy',
      by: 'U01ALICE01',
      outcome: 'verifying',
      at,
      evidenceUrl: 'https://mc/evidence/e1',
    },
  },
  alerts: {
    ok: true,
    value: [
      {
        name: 'HighErrorRate',
        severity: 'page',
        summary: '5xx at 20%',
        source: 'alertmanager',
        link: 'http://prom/x',
      },
    ],
  },
};
const staging: EnvironmentStatus = {
  env: 'staging',
  protected: false,
  workload: { ok: false, unavailable: 'connect ECONNREFUSED 127.0.0.1:1' },
  rollout: { ok: false, unavailable: 'connect ECONNREFUSED 127.0.0.1:1' },
  runs: { ok: true, value: [] },
  lastDeploy: { ok: true, value: undefined },
};

const text = (line: unknown[]) =>
  line.map((i) => (typeof i === 'string' ? i : JSON.stringify(i))).join('');

describe('domain/findings/status', () => {
  const status: ServiceStatus = {
    service: 'checkout',
    description: 'Checkout',
    at,
    environments: [prod, staging],
  };
  const [p, s] = statusFindings(status);

  it('titles one finding per environment with its health in words', () => {
    expect(p?.title).toBe('checkout in prod');
    expect(p?.status).toBe('progressing, locked by a run, 1 alert firing');
    expect(s?.status).toBe('unknown');
  });

  it('lists revision, rollout, pods, the lock, the last change and alerts as fields', () => {
    const fields = Object.fromEntries((p?.fields ?? []).map((f) => [f.label, text(f.value)]));
    expect(fields).toEqual({
      Running: 'rev 7 · `shop/checkout:1.4.2`',
      Rollout: '2 of 3 updated replicas are available...',
      Pods: '2/3 ready, 3 updated',
      'Active run': `r_abcdefghijkl · deploy by {"user":"U01ALICE01"} · executing since {"time":"${at.toISOString()}"}`,
      'Last change': `deploy (none) → 1.4.2 by {"user":"U01ALICE01"} · {"time":"${at.toISOString()}"} · verifying · {"link":"https://mc/evidence/e1","text":"evidence"}`,
      'Firing alerts': 'HighErrorRate (page)',
    });
    expect(p?.notes).toEqual([['HighErrorRate: 5xx at 20%']]);
    expect(p?.links.map((l) => l.url)).toEqual(['https://mc/evidence/e1', 'http://prom/x']);
  });

  it('shows a failed source as unavailable with its reason, and no lock as none', () => {
    const fields = Object.fromEntries((s?.fields ?? []).map((f) => [f.label, text(f.value)]));
    expect(fields.Running).toBe('unavailable: connect ECONNREFUSED 127.0.0.1:1');
    expect(fields.Rollout).toBe('unavailable: connect ECONNREFUSED 127.0.0.1:1');
    expect(fields['Active run']).toBe('none (not locked)');
    expect(fields['Last change']).toBe('none recorded');
    expect(fields['Firing alerts']).toBeUndefined();
    expect(s?.notes).toEqual([['Alerts: neither Alertmanager nor Prometheus is configured.']]);
  });
});
