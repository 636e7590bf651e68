import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeEmulator } from '../../../src/sandbox/kubernetes/index.ts';
import { type KubeClients, startKube } from '../../support/kube.ts';
import { deployment } from './fixtures.ts';

const at = { name: 'checkout', namespace: 'shop' };
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

describe('sandbox/kubernetes: Deployment history, strategies and deletion options', () => {
  let kube: KubeClients & { emulator: KubeEmulator };
  beforeEach(async () => {
    kube = await startKube({ autoTick: false });
  });
  afterEach(async () => {
    await kube.emulator.close();
  });

  const release = (image: string, cause: string) =>
    kube.apps.patchNamespacedDeployment(
      {
        ...at,
        body: {
          metadata: { annotations: { 'kubernetes.io/change-cause': cause } },
          spec: { template: { spec: { containers: [{ name: 'app', image }] } } },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
  const images = async () => {
    const pods = await kube.core.listNamespacedPod({
      namespace: 'shop',
      labelSelector: 'app=checkout',
    });
    return new Set(pods.items.map((p) => p.spec?.containers[0]?.image));
  };

  it('copies change-cause onto ReplicaSets and prunes beyond revisionHistoryLimit', async () => {
    const body = deployment('checkout', 'reg/checkout:v1');
    body.spec!.revisionHistoryLimit = 1;
    await kube.apps.createNamespacedDeployment({ namespace: 'shop', body });
    kube.emulator.tick(4);
    for (const v of ['v2', 'v3', 'v4']) {
      await release(`reg/checkout:${v}`, `release ${v}`);
      kube.emulator.tick(12);
    }
    const sets = await kube.apps.listNamespacedReplicaSet({ namespace: 'shop' });
    const summary = sets.items
      .map((rs) => [
        rs.metadata?.annotations?.['deployment.kubernetes.io/revision'],
        rs.metadata?.annotations?.['kubernetes.io/change-cause'],
        rs.spec?.replicas,
      ])
      .sort();
    expect(summary).toEqual([
      ['3', 'release v3', 0],
      ['4', 'release v4', 3],
    ]);
  });

  it('Recreate stops every old pod before the first new one starts', async () => {
    const body = deployment('checkout', 'reg/checkout:v1');
    body.spec!.strategy = { type: 'Recreate' };
    await kube.apps.createNamespacedDeployment({ namespace: 'shop', body });
    kube.emulator.tick(4);
    await release('reg/checkout:v2', 'v2');
    const seen: string[][] = [];
    for (let i = 0; i < 10; i++) {
      kube.emulator.tick();
      seen.push([...(await images())].map(String).sort());
    }
    expect(seen.some((set) => set.length > 1)).toBe(false);
    expect(seen.at(-1)).toEqual(['reg/checkout:v2']);
  });

  it('dryRun=All answers without storing; Orphan delete leaves the ReplicaSets behind', async () => {
    const preview = await kube.apps.createNamespacedDeployment({
      namespace: 'shop',
      body: deployment('checkout', 'reg/checkout:v1'),
      dryRun: 'All',
    });
    expect(preview.metadata?.uid).toBeDefined();
    expect(kube.emulator.get('Deployment', 'shop', 'checkout')).toBeUndefined();

    await kube.apps.createNamespacedDeployment({
      namespace: 'shop',
      body: deployment('checkout', 'reg/checkout:v1'),
    });
    kube.emulator.tick(4);
    const changed = await kube.apps.patchNamespacedDeployment(
      { ...at, body: { spec: { replicas: 1 } }, dryRun: 'All' },
      merge,
    );
    expect(changed.spec?.replicas).toBe(1);
    expect(kube.emulator.get('Deployment', 'shop', 'checkout')?.spec).toMatchObject({
      replicas: 3,
    });

    await kube.apps.deleteNamespacedDeployment({ ...at, propagationPolicy: 'Orphan' });
    kube.emulator.tick(2);
    const sets = await kube.apps.listNamespacedReplicaSet({ namespace: 'shop' });
    expect(sets.items).toHaveLength(1);
    expect(sets.items[0]?.metadata?.ownerReferences ?? []).toEqual([]);
    expect(await images()).toEqual(new Set(['reg/checkout:v1']));
  });
});
