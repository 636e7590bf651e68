import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createKubeClients,
  type KubeClients,
} from '../../../src/adapters/kubernetes/create-kube-clients.ts';
import { listReplicaSets, rolloutHistory } from '../../../src/adapters/kubernetes/replica-sets.ts';
import type { WorkloadRef } from '../../../src/adapters/kubernetes/types.ts';
import { readWorkload } from '../../../src/adapters/kubernetes/workload.ts';
import {
  type KubeEmulator,
  kubeConfigFor,
  startKubeEmulator,
} from '../../../src/sandbox/kubernetes/index.ts';

const ref: WorkloadRef = { context: 'test', namespace: 'shop', kind: 'Deployment', name: 'web' };

describe('src/adapters/kubernetes/replica-sets', () => {
  let emulator: KubeEmulator;
  let kube: KubeClients;
  beforeEach(async () => {
    emulator = await startKubeEmulator({ autoTick: false });
    kube = createKubeClients(kubeConfigFor(emulator, ['test']));
  });
  afterEach(async () => {
    await emulator.close();
  });

  async function release(image: string, cause: string) {
    await kube.forContext('test').apps.patchNamespacedDeployment(
      {
        name: 'web',
        namespace: 'shop',
        body: {
          metadata: { annotations: { 'kubernetes.io/change-cause': cause } },
          spec: { template: { spec: { containers: [{ name: 'web', image }] } } },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    emulator.tick(12);
  }

  it('lists revisions oldest first with images, causes and the current one; ignores strangers', async () => {
    emulator.seed([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
          name: 'web',
          namespace: 'shop',
          annotations: { 'kubernetes.io/change-cause': 'first' },
        },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'web', image: 'reg/web:1' }] },
          },
        },
      },
      // Same labels, not owned by the Deployment: kubectl leaves it out, so must we.
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: 'stray',
          namespace: 'shop',
          annotations: { 'deployment.kubernetes.io/revision': '99' },
        },
        spec: {
          replicas: 0,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'web', image: 'x' }] },
          },
        },
      },
    ]);
    emulator.tick(6);
    await release('reg/web:2', 'second');
    await release('reg/web:3', 'third');
    await release('reg/web:1', 'back to one');

    const history = await rolloutHistory(kube, ref);
    expect(
      history.map(({ revision, images, changeCause, current }) => ({
        revision,
        images,
        changeCause,
        current,
      })),
    ).toEqual([
      { revision: 2, images: { web: 'reg/web:2' }, changeCause: 'second', current: false },
      { revision: 3, images: { web: 'reg/web:3' }, changeCause: 'third', current: false },
      { revision: 4, images: { web: 'reg/web:1' }, changeCause: 'back to one', current: true },
    ]);
    expect(
      history.every((h) => /^web-[a-z0-9]+$/.test(h.replicaSet) && /Z$/.test(h.createdAt)),
    ).toBe(true);
    const listed = emulator.requests.find(
      (r) => r.path === '/apis/apps/v1/namespaces/shop/replicasets',
    );
    expect(listed?.query.labelSelector).toBe('app=web');

    const sets = await listReplicaSets(kube, await readWorkload(kube, ref));
    expect(sets.at(-1)).toMatchObject({ revision: 4, replicas: 2, readyReplicas: 2 });
    expect(sets.at(-1)?.template.metadata?.labels).toMatchObject({
      app: 'web',
      'pod-template-hash': expect.any(String),
    });
  });
});
