import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeployLog, type DeployLog } from '../../src/deploys/deploy-log.ts';
import { toTriageDeploy } from '../../src/domain/deploys/deploy-record.ts';
import { deploySignal } from '../../src/domain/triage/deploy-signal.ts';
import type { Incident, Signal } from '../../src/domain/triage/schema.ts';
import { computeDora } from '../../src/dora/compute-dora.ts';
import { readLiveDoraInput } from '../../src/dora/live-source.ts';
import { createLedger } from '../../src/evidence/ledger/create-ledger.ts';
import { createIncidentStore } from '../../src/triage/incident-store.ts';
import { openPgliteStore, type TestStore } from '../evidence/support/test-store.ts';

const T = (iso: string) => new Date(iso);
const DAY = 86_400_000;

function alert(startedAt: string, resolvedAt?: string): Signal {
  return {
    source: 'alertmanager',
    id: `fp-${startedAt}`,
    name: 'CheckoutErrorBudgetBurn',
    service: 'checkout',
    env: 'prod',
    status: resolvedAt ? 'resolved' : 'firing',
    labels: {},
    annotations: {},
    startedAt,
    ...(resolvedAt ? { resolvedAt } : {}),
    at: resolvedAt ?? startedAt,
  };
}

function incident(id: string, signals: Signal[], deploys: Signal[]): Incident {
  const first = signals[0]?.startedAt as string;
  return {
    id,
    service: 'checkout',
    env: 'prod',
    status: 'open',
    openedAt: first,
    updatedAt: first,
    firstSignalAt: first,
    signals,
    deploys,
  };
}

describe('dora/live-source', () => {
  let store: TestStore;
  let log: DeployLog;

  beforeAll(async () => {
    store = await openPgliteStore();
    log = createDeployLog({ db: store.db, ledger: createLedger(store.db) });
    const good = await log.recordDeploy({
      service: 'checkout',
      env: 'prod',
      fromImage: 'shop/checkout:1.4.0',
      toImage: 'shop/checkout:1.4.1',
      kind: 'deploy',
      by: 'U01ALICE01',
      outcome: 'succeeded',
      at: T('2026-11-20T10:00:00Z'),
      commit: '3f1c2b8e',
      commitAt: T('2026-11-20T07:00:00Z'),
    });
    const bad = await log.recordDeploy({
      service: 'checkout',
      env: 'prod',
      fromImage: 'shop/checkout:1.4.1',
      toImage: 'shop/checkout:1.5.0',
      kind: 'deploy',
      by: 'U01ALICE01',
      outcome: 'succeeded',
      at: T('2026-11-21T10:00:00Z'),
      commitAt: T('2026-11-21T09:00:00Z'),
    });
    // A rollback is a change, never a deployment.
    await log.recordDeploy({
      service: 'checkout',
      env: 'prod',
      fromImage: 'shop/checkout:1.5.0',
      toImage: 'shop/checkout:1.4.1',
      kind: 'rollback',
      by: 'U01BOBBY02',
      outcome: 'succeeded',
      at: T('2026-11-22T12:00:00Z'),
    });
    const incidents = createIncidentStore(store.db);
    const view = { suggestions: [], candidates: [], rankedAt: '2026-11-21T10:40:00Z' };
    const blamed = incident(
      'inc-1',
      [alert('2026-11-21T10:30:00Z', '2026-11-21T11:15:00Z')],
      [deploySignal(toTriageDeploy(good)), deploySignal(toTriageDeploy(bad))],
    );
    const unresolved = incident('inc-2', [alert('2026-11-23T08:00:00Z')], []);
    await store.db.transaction(async (tx) => {
      await incidents.insert(tx, blamed, view);
      await incidents.insert(tx, unresolved, view);
    });
  });
  afterAll(() => store?.close());

  it('reads the change log and triage incidents into the four keys', async () => {
    const since = T('2026-11-19T00:00:00Z');
    const until = T('2026-11-26T00:00:00Z');
    const input = await readLiveDoraInput(store.db, { since, until, attributionWindowMs: DAY });
    expect(input.changes.map((c) => `${c.kind} ${c.to}`)).toEqual([
      'deploy 1.4.1',
      'deploy 1.5.0',
      'rollback 1.4.1',
    ]);
    expect(input.changes[0]).toMatchObject({
      commit: '3f1c2b8e',
      commitAt: '2026-11-20T07:00:00.000Z',
    });
    expect(input.incidents).toEqual([
      {
        id: 'inc-1',
        service: 'checkout',
        env: 'prod',
        openedAt: '2026-11-21T10:30:00Z',
        resolvedAt: '2026-11-21T11:15:00Z',
        changeRef: '1.5.0',
      },
      { id: 'inc-2', service: 'checkout', env: 'prod', openedAt: '2026-11-23T08:00:00Z' },
    ]);
    const { report, evidence } = computeDora(input, { since, until });
    const m = report.overall;
    expect(m.deploymentFrequency.count).toBe(2);
    // 1 h and 3 h: p90 at rank 0.9, 3600 + 0.9 × 7200.
    expect(m.leadTime).toEqual({ medianSeconds: 7200, p90Seconds: 10_080, n: 2 });
    // 1.5.0 was blamed for inc-1 30 min after it; the rollback 26 h later is outside 24 h.
    expect(m.changeFailureRate).toEqual({ ratio: 0.5, failed: 1, total: 2 });
    expect(evidence.failures.map((f) => [f.change.to, f.reasons])).toEqual([
      ['1.5.0', ['incident']],
    ]);
    expect(m.timeToRestore).toEqual({ medianSeconds: 2700, p90Seconds: 2700, n: 1 });
  });
});
