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
const REVISION = 'rollout.argoproj.io/revision';

interface Rollout {
  metadata: { annotations?: Record<string, string> };
  status: { phase?: string; currentPodHash?: string; stableRS?: string };
}

function rolloutBody(image: string) {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image }] },
      },
      strategy: { canary: { steps: [{ setWeight: 50 }, { pause: { duration: 5 } }] } },
    },
  };
}

/**
 * Argo's controller gives a ReplicaSet it reuses (a template the rollout had before) the next
 * revision, on the ReplicaSet and on the Rollout, as `kubectl argo rollouts undo` relies on.
 */
describe('sandbox/kubernetes: Argo Rollout revisions', () => {
  let kube: KubeClients & { emulator: KubeEmulator };
  beforeEach(async () => {
    kube = await startKube({ autoTick: false, timeScale: 100 });
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
  const rsRevisions = async () => {
    const list = await kube.apps.listNamespacedReplicaSet({ namespace: 'shop' });
    return Object.fromEntries(
      list.items.map((rs) => [
        rs.spec?.template?.spec?.containers[0]?.image,
        rs.metadata?.annotations?.[REVISION],
      ]),
    );
  };
  const healthyOn = (hash: string | undefined) => (r: Rollout) =>
    r.status.phase === 'Healthy' &&
    r.status.stableRS === r.status.currentPodHash &&
    r.status.currentPodHash !== hash;

  it('going back to an image it had reuses that ReplicaSet under a new revision', async () => {
    await kube.custom.createNamespacedCustomObject({ ...target, body: rolloutBody('reg/web:v1') });
    const v1 = await tickUntil('Healthy on v1', (r) => r.status.phase === 'Healthy');
    await setImage('reg/web:v2');
    const v2 = await tickUntil('Healthy on v2', healthyOn(v1.status.currentPodHash));
    expect(await rsRevisions()).toEqual({ 'reg/web:v1': '1', 'reg/web:v2': '2' });

    await setImage('reg/web:v1');
    const back = await tickUntil('Healthy on v1 again', healthyOn(v2.status.currentPodHash));
    expect(back.status.currentPodHash).toBe(v1.status.currentPodHash);
    expect(await rsRevisions()).toEqual({ 'reg/web:v1': '3', 'reg/web:v2': '2' });
    expect(back.metadata.annotations?.[REVISION]).toBe('3');

    await setImage('reg/web:v2');
    const again = await tickUntil('Healthy on v2 again', healthyOn(back.status.currentPodHash));
    expect(again.metadata.annotations?.[REVISION]).toBe('4');
    expect(await rsRevisions()).toEqual({ 'reg/web:v1': '3', 'reg/web:v2': '4' });
  });

  it('a failed background analysis aborts the canary and is reported where Argo reports it', async () => {
    await kube.custom.createNamespacedCustomObject({ ...target, body: rolloutBody('reg/web:v1') });
    await tickUntil('Healthy on v1', (r) => r.status.phase === 'Healthy');
    await setImage('reg/web:v2-bad');
    const aborted = (await tickUntil(
      'Degraded',
      (r) => r.status.phase === 'Degraded',
    )) as Rollout & {
      status: { abort?: boolean; canary?: { currentBackgroundAnalysisRunStatus?: object } };
    };
    expect(aborted.status.abort).toBe(true);
    expect(aborted.status.canary?.currentBackgroundAnalysisRunStatus).toMatchObject({
      status: 'Failed',
      message: expect.stringContaining('assessed Failed'),
    });
    kube.emulator.tick(3); // it stays reported while aborted
    const later = (await read()) as typeof aborted;
    expect(later.status.canary?.currentBackgroundAnalysisRunStatus).toMatchObject({
      status: 'Failed',
    });
    await setImage('reg/web:v1'); // back to stable: the abort and its analysis are cleared
    const back = (await tickUntil(
      'Healthy',
      (r) => r.status.phase === 'Healthy',
    )) as typeof aborted;
    expect(back.status.canary?.currentBackgroundAnalysisRunStatus).toBeUndefined();
  });
});
