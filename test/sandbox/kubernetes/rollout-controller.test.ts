import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeEmulator } from '../../../src/sandbox/kubernetes/index.ts';
import { type KubeClients, startKube } from '../../support/kube.ts';

const target = {
  group: 'argoproj.io',
  version: 'v1alpha1',
  namespace: 'shop',
  plural: 'rollouts',
  name: 'web',
};
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

interface Rollout {
  metadata: { generation: number; annotations?: Record<string, string> };
  spec: { paused?: boolean };
  status: {
    phase?: string;
    message?: string;
    currentStepIndex?: number;
    currentPodHash?: string;
    stableRS?: string;
    pauseConditions?: { reason: string }[];
    abort?: boolean;
    availableReplicas?: number;
    updatedReplicas?: number;
    observedGeneration?: string;
    canary?: { weights?: { canary: { weight: number } } };
  };
}

function rolloutBody(image: string) {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web' },
    spec: {
      replicas: 4,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image }] },
      },
      strategy: {
        canary: {
          steps: [
            { setWeight: 25 },
            { pause: {} },
            { setWeight: 50 },
            { pause: { duration: '30s' } },
          ],
        },
      },
    },
  };
}

describe('sandbox/kubernetes: Argo Rollouts controller', () => {
  let kube: KubeClients & { emulator: KubeEmulator };
  beforeEach(async () => {
    kube = await startKube({ autoTick: false, timeScale: 100 }); // a tick = 5 emulated seconds
  });
  afterEach(async () => {
    await kube.emulator.close();
  });

  const read = async () => (await kube.custom.getNamespacedCustomObject(target)) as Rollout;
  const tickUntil = async (what: string, done: (r: Rollout) => boolean) => {
    for (let i = 0; i < 40; i++) {
      kube.emulator.tick();
      const r = await read();
      if (done(r)) return r;
    }
    throw new Error(`rollout never reached: ${what}`);
  };
  const setImage = (image: string) =>
    kube.custom.patchNamespacedCustomObject(
      {
        ...target,
        body: { spec: { template: { spec: { containers: [{ name: 'web', image }] } } } },
      },
      merge,
    );
  const podImages = async () => {
    const pods = await kube.core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=web' });
    return pods.items
      .filter((p) => !p.metadata?.deletionTimestamp)
      .map((p) => p.spec?.containers[0]?.image)
      .sort();
  };
  /** What `kubectl argo rollouts promote` sends when the rollout sits at a pause step. */
  const promote = () =>
    kube.custom.patchNamespacedCustomObjectStatus(
      { ...target, body: { status: { pauseConditions: null } } },
      merge,
    );
  const healthyOnV1 = async () => {
    await kube.custom.createNamespacedCustomObject({ ...target, body: rolloutBody('reg/web:v1') });
    return tickUntil('Healthy on v1', (r) => r.status.phase === 'Healthy');
  };

  it('walks the canary steps, waits at an indefinite pause until promoted, then becomes stable', async () => {
    const v1 = await healthyOnV1();
    expect(v1.status.stableRS).toBe(v1.status.currentPodHash);
    expect(v1.status.availableReplicas).toBe(4);
    const rs = await kube.apps.readNamespacedReplicaSet({
      name: `web-${v1.status.stableRS}`,
      namespace: 'shop',
    });
    expect(rs.metadata?.labels?.['rollouts-pod-template-hash']).toBe(v1.status.stableRS);
    expect(rs.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: 'Rollout',
      name: 'web',
      apiVersion: 'argoproj.io/v1alpha1',
    });

    await setImage('reg/web:v2');
    const paused = await tickUntil('paused at step 1', (r) => r.status.phase === 'Paused');
    expect(paused.status).toMatchObject({
      currentStepIndex: 1,
      message: 'CanaryPauseStep',
      pauseConditions: [{ reason: 'CanaryPauseStep' }],
    });
    expect(paused.status.currentPodHash).not.toBe(v1.status.stableRS);
    expect(paused.status.stableRS).toBe(v1.status.stableRS);
    expect(paused.status.canary?.weights?.canary.weight).toBe(25);
    expect(paused.metadata.annotations?.['rollout.argoproj.io/revision']).toBe('2');
    expect(await podImages()).toEqual(['reg/web:v1', 'reg/web:v1', 'reg/web:v1', 'reg/web:v2']);

    kube.emulator.tick(10);
    expect((await read()).status).toMatchObject({ phase: 'Paused', currentStepIndex: 1 }); // indefinite pause holds

    await promote();
    const timed = await tickUntil('paused at the 30s step', (r) => r.status.currentStepIndex === 3);
    expect(timed.status.phase).toBe('Paused');
    expect(await podImages()).toEqual(['reg/web:v1', 'reg/web:v1', 'reg/web:v2', 'reg/web:v2']);
    const done = await tickUntil('Healthy on v2', (r) => r.status.phase === 'Healthy'); // the 30 s pause ends by itself
    expect(done.status.stableRS).toBe(paused.status.currentPodHash);
    expect(done.status.observedGeneration).toBe(String(done.metadata.generation));
    await tickUntil('old pods gone', () => true);
    expect(await podImages()).toEqual(Array(4).fill('reg/web:v2'));
  });

  it('abort (status.abort: true) returns all traffic to stable and marks the rollout Degraded', async () => {
    const v1 = await healthyOnV1();
    await setImage('reg/web:v2');
    await tickUntil('paused', (r) => r.status.phase === 'Paused');
    await kube.custom.patchNamespacedCustomObjectStatus(
      { ...target, body: { status: { abort: true } } },
      merge,
    );
    const aborted = await tickUntil('Degraded', (r) => r.status.phase === 'Degraded');
    expect(aborted.status.message).toMatch(/^RolloutAborted: Rollout aborted update to revision 2/);
    expect(aborted.status.stableRS).toBe(v1.status.stableRS);
    expect(aborted.status.pauseConditions).toBeUndefined();
    kube.emulator.tick(2);
    expect(await podImages()).toEqual(Array(4).fill('reg/web:v1'));

    // `kubectl argo rollouts retry` clears abort: the steps start over.
    await kube.custom.patchNamespacedCustomObjectStatus(
      { ...target, body: { status: { abort: false } } },
      merge,
    );
    const retried = await tickUntil('paused again', (r) => r.status.phase === 'Paused');
    expect(retried.status.currentStepIndex).toBe(1);
  });

  it('a bad image fails the canary analysis and aborts on its own; spec.paused holds the rollout', async () => {
    await healthyOnV1();
    await setImage('reg/web:v2-bad');
    const aborted = await tickUntil('Degraded', (r) => r.status.phase === 'Degraded');
    expect(aborted.status.abort).toBe(true);
    expect(aborted.status.message).toContain('RolloutAborted');
    expect(aborted.status.message).toContain('assessed Failed');
    kube.emulator.tick(2);
    expect(await podImages()).toEqual(Array(4).fill('reg/web:v1'));

    await kube.custom.patchNamespacedCustomObject(
      { ...target, body: { spec: { paused: true } } },
      merge,
    );
    await setImage('reg/web:v3');
    kube.emulator.tick(5);
    const held = await read();
    expect(held.status).toMatchObject({
      phase: 'Paused',
      message: 'manually paused',
      currentStepIndex: 0,
    });
    expect(await podImages()).toEqual(Array(4).fill('reg/web:v1'));
    await kube.custom.patchNamespacedCustomObject(
      { ...target, body: { spec: { paused: false } } },
      merge,
    );
    await tickUntil(
      'canary step reached',
      (r) => r.status.currentStepIndex === 1 && r.status.phase === 'Paused',
    );
  });

  it('ignores status written through the main resource, as a CRD with a status subresource does', async () => {
    await healthyOnV1();
    const patched = (await kube.custom.patchNamespacedCustomObject(
      { ...target, body: { status: { phase: 'Degraded' } } },
      merge,
    )) as Rollout;
    expect(patched.status.phase).toBe('Healthy');
  });
});
