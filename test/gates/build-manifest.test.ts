import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeClients } from '../../src/adapters/kubernetes/create-kube-clients.ts';
import { createDeployLog, type DeployLog } from '../../src/deploys/deploy-log.ts';
import { GatePlaybook } from '../../src/domain/playbooks/gate-schema.ts';
import { createLedger } from '../../src/evidence/ledger/create-ledger.ts';
import { buildManifest } from '../../src/gates/build-manifest.ts';
import { decideGate } from '../../src/gates/decide-gate.ts';
import {
  type KubeEmulator,
  kubeConfigFor,
  startKubeEmulator,
} from '../../src/sandbox/kubernetes/index.ts';
import { openPgliteStore, steppingClock, type TestStore } from '../evidence/support/test-store.ts';
import { STAGING } from '../support/runs-e2e.ts';
import { loadRepoConfig } from '../support/slack.ts';

const SET = GatePlaybook.parse({
  id: 'test',
  kind: 'gate',
  title: 'Test gate',
  description: 'One gate.',
  gates: [{ name: 'Freeze', checks: [{ id: 'freeze', kind: 'change-freeze', title: 'Open' }] }],
});

describe('gates/build-manifest: changes since the last release decision', () => {
  let store: TestStore;
  let log: DeployLog;
  let kube: KubeEmulator;
  const clock = steppingClock('2026-11-22T03:00:00.000Z', 60_000);

  beforeAll(async () => {
    store = await openPgliteStore();
    kube = await startKubeEmulator({ tickMs: 10 });
    log = createDeployLog({ db: store.db, ledger: createLedger(store.db), clock });
    const change = { service: 'checkout', env: 'staging', by: 'U01ALICE01' } as const;
    await log.recordDeploy({
      ...change,
      fromImage: 'shop/checkout:1.4.2',
      toImage: 'shop/checkout:1.4.3-bad',
      kind: 'deploy',
      runId: 'r_deploy000001',
      outcome: 'succeeded',
    });
    await log.recordDeploy({
      ...change,
      fromImage: 'shop/checkout:1.4.3-bad',
      toImage: 'shop/checkout:1.4.2',
      kind: 'revert',
      runId: 'r_revert000001',
      outcome: 'succeeded',
    });
    await log.recordDeploy({
      ...change,
      fromImage: 'shop/checkout:1.4.2',
      toImage: 'shop/checkout:1.4.2',
      what: 'replicas',
      fromValue: '3',
      toValue: '5',
      kind: 'triage',
      runId: 'r_triage000001',
      outcome: 'succeeded',
    });
  });
  afterAll(async () => {
    await kube?.close();
    await store?.close();
  });

  it('lists every kind of change: the deploy, its Revert and the triage run', async () => {
    const now = clock();
    const results = [{ name: 'Freeze', checks: [] }];
    const manifest = await buildManifest({
      run: {
        id: 'g_aaaaaaaaaaaa',
        setId: 'test',
        service: 'checkout',
        env: 'staging',
        version: '1.4.2',
        requester: 'U01ALICE01',
        results,
        digest: 'x',
        evaluatedAt: now,
      },
      set: SET,
      decision: decideGate({ results, waivers: [], signOffs: [], requiredRoles: [], now }),
      signOffs: [],
      waivers: [],
      sources: {
        catalog: (await loadRepoConfig()).catalog,
        kube: createKubeClients(kubeConfigFor(kube, [STAGING], { clusterPerContext: true })),
        db: store.db,
        clock: () => now,
      },
    });
    expect(manifest.changes.map((c) => [c.runId, c.verb, c.summary])).toEqual([
      ['r_deploy000001', 'deploy', 'shop/checkout:1.4.2 → shop/checkout:1.4.3-bad'],
      ['r_revert000001', 'revert', 'shop/checkout:1.4.3-bad → shop/checkout:1.4.2'],
      ['r_triage000001', 'triage', 'replicas 3 → 5'],
    ]);
  });
});
