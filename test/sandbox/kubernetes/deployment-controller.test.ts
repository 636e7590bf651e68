import { PatchStrategy, setHeaderOptions, type V1Deployment } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeEmulator } from '../../../src/sandbox/kubernetes/index.ts';
import { eventually, type KubeClients, startKube } from '../../support/kube.ts';
import { deployment, failure } from './fixtures.ts';

const at = { name: 'checkout', namespace: 'shop' };
const REVISION = 'deployment.kubernetes.io/revision';
const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

type Kube = KubeClients & { emulator: KubeEmulator };

function setImage(kube: Kube, image: string) {
  const body = { spec: { template: { spec: { containers: [{ name: 'app', image }] } } } };
  return kube.apps.patchNamespacedDeployment({ ...at, body }, strategic);
}

/** What `kubectl rollout status` checks: the rollout is complete. */
function rolledOut(d: V1Deployment): boolean {
  const want = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  return (
    (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) &&
    s.updatedReplicas === want &&
    s.replicas === want &&
    s.readyReplicas === want &&
    s.availableReplicas === want
  );
}

/** Ticks until the deployment is rolled out; answers how many ticks it took (at most 30). */
async function tickUntilRolledOut(kube: Kube): Promise<number> {
  for (let ticks = 1; ticks <= 30; ticks++) {
    kube.emulator.tick();
    if (rolledOut(await kube.apps.readNamespacedDeployment(at))) return ticks;
  }
  throw new Error('deployment did not roll out in 30 ticks');
}

async function replicaSets(kube: Kube) {
  const list = await kube.apps.listNamespacedReplicaSet({
    namespace: 'shop',
    labelSelector: 'app=checkout',
  });
  return list.items.map((rs) => ({
    name: rs.metadata?.name,
    revision: rs.metadata?.annotations?.[REVISION],
    history: rs.metadata?.annotations?.['deployment.kubernetes.io/revision-history'],
    image: rs.spec?.template?.spec?.containers[0]?.image,
    replicas: rs.spec?.replicas,
  }));
}

describe('sandbox/kubernetes: Deployment controller', () => {
  let kube: Kube;
  afterEach(async () => {
    await kube.emulator.close();
  });

  it('rolls a new image out as ReplicaSet revision 2, and an undo reuses revision 1 as revision 3', async () => {
    kube = await startKube({ autoTick: false });
    await kube.apps.createNamespacedDeployment({
      namespace: 'shop',
      body: deployment('checkout', 'reg/checkout:v1'),
    });
    await tickUntilRolledOut(kube);
    const [first] = await replicaSets(kube);
    expect(first).toMatchObject({ revision: '1', image: 'reg/checkout:v1', replicas: 3 });
    expect(first?.name).toMatch(/^checkout-[bcdfghjklmnpqrstvwxz2456789]+$/);

    const patched = await setImage(kube, 'reg/checkout:v2');
    expect(patched.metadata?.generation).toBe(2);
    kube.emulator.tick();
    const midway = await kube.apps.readNamespacedDeployment(at);
    expect(midway.metadata?.annotations?.[REVISION]).toBe('2');
    expect(midway.status?.conditions?.find((c) => c.type === 'Progressing')?.reason).toMatch(
      /NewReplicaSetCreated|ReplicaSetUpdated/,
    );
    const ticks = await tickUntilRolledOut(kube);
    expect(ticks).toBeGreaterThan(1); // pods move over several ticks, not at once

    const sets = await replicaSets(kube);
    const v2 = sets.find((rs) => rs.image === 'reg/checkout:v2');
    expect(v2).toMatchObject({ revision: '2', replicas: 3 });
    expect(sets.find((rs) => rs.name === first?.name)).toMatchObject({
      revision: '1',
      replicas: 0,
    });
    const rs = await kube.apps.readNamespacedReplicaSet({
      name: v2?.name ?? '',
      namespace: 'shop',
    });
    expect(rs.metadata?.ownerReferences).toEqual([
      expect.objectContaining({
        kind: 'Deployment',
        name: 'checkout',
        uid: patched.metadata?.uid,
        controller: true,
      }),
    ]);
    expect(rs.metadata?.labels?.['pod-template-hash']).toBe(v2?.name?.replace('checkout-', ''));
    expect(rs.spec?.selector.matchLabels?.['pod-template-hash']).toBe(
      rs.metadata?.labels?.['pod-template-hash'],
    );

    const done = await kube.apps.readNamespacedDeployment(at);
    expect(done.status).toMatchObject({
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
    });
    expect(done.status?.unavailableReplicas).toBeUndefined(); // omitempty, as the API server sends it
    expect(done.status?.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Available', 'True', 'MinimumReplicasAvailable'],
      ['Progressing', 'True', 'NewReplicaSetAvailable'],
    ]);
    const pods = await kube.core.listNamespacedPod({
      namespace: 'shop',
      labelSelector: 'app=checkout',
    });
    expect(pods.items.map((p) => p.spec?.containers[0]?.image)).toEqual(
      Array(3).fill('reg/checkout:v2'),
    );

    // kubectl rollout undo: put revision 1's template back (without its pod-template-hash label).
    const template = (
      await kube.apps.readNamespacedReplicaSet({ name: first?.name ?? '', namespace: 'shop' })
    ).spec?.template;
    delete template?.metadata?.labels?.['pod-template-hash'];
    await kube.apps.patchNamespacedDeployment({
      ...at,
      body: [{ op: 'replace', path: '/spec/template', value: template }],
    });
    await tickUntilRolledOut(kube);
    const after = await replicaSets(kube);
    expect(after).toHaveLength(2); // no third ReplicaSet: the old one came back
    expect(after.find((s) => s.name === first?.name)).toMatchObject({
      revision: '3',
      history: '1',
      replicas: 3,
    });
    expect(after.find((s) => s.name === v2?.name)).toMatchObject({ revision: '2', replicas: 0 });
    expect((await kube.apps.readNamespacedDeployment(at)).metadata?.annotations?.[REVISION]).toBe(
      '3',
    );
  });

  it('a bad image crash-loops, keeps the old pods serving and exceeds the progress deadline', async () => {
    kube = await startKube({ autoTick: false, tickMs: 50, timeScale: 2_000 }); // a tick = 100 emulated seconds
    await kube.apps.createNamespacedDeployment({
      namespace: 'shop',
      body: deployment('checkout', 'reg/checkout:v1'),
    });
    await tickUntilRolledOut(kube);
    await setImage(kube, 'reg/checkout:v2-bad');
    kube.emulator.tick(3);
    const progressing = (await kube.apps.readNamespacedDeployment(at)).status?.conditions?.find(
      (c) => c.type === 'Progressing',
    );
    expect(progressing?.status).toBe('True');
    kube.emulator.tick(8); // 800 s > progressDeadlineSeconds 600
    const stuck = await kube.apps.readNamespacedDeployment(at);
    expect(stuck.status?.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
    });
    expect(stuck.status?.availableReplicas).toBe(3); // maxUnavailable 25% of 3 = 0: old pods all stay
    expect(stuck.status?.unavailableReplicas).toBe(1);
    const pods = await kube.core.listNamespacedPod({
      namespace: 'shop',
      labelSelector: 'app=checkout',
    });
    const bad = pods.items.filter((p) => p.spec?.containers[0]?.image === 'reg/checkout:v2-bad');
    expect(bad).toHaveLength(1);
    expect(bad[0]?.status?.containerStatuses?.[0]).toMatchObject({
      ready: false,
      state: { waiting: { reason: 'CrashLoopBackOff' } },
    });
    expect(bad[0]?.status?.containerStatuses?.[0]?.restartCount).toBeGreaterThan(3);
  });

  it('recreates a deleted pod a tick later, after it was listed as Terminating', async () => {
    kube = await startKube({ autoTick: false });
    await kube.apps.createNamespacedDeployment({
      namespace: 'shop',
      body: deployment('checkout', 'reg/checkout:v1'),
    });
    await tickUntilRolledOut(kube);
    const before = await kube.core.listNamespacedPod({
      namespace: 'shop',
      labelSelector: 'app=checkout',
    });
    const victim = before.items[0]?.metadata?.name ?? '';
    const deleted = await kube.core.deleteNamespacedPod({ name: victim, namespace: 'shop' });
    expect(deleted.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    const terminating = await kube.core.readNamespacedPod({ name: victim, namespace: 'shop' });
    expect(terminating.metadata?.deletionTimestamp).toBeDefined();

    kube.emulator.tick();
    expect(
      (await failure(kube.core.readNamespacedPod({ name: victim, namespace: 'shop' }))).code,
    ).toBe(404);
    const replaced = await kube.core.listNamespacedPod({
      namespace: 'shop',
      labelSelector: 'app=checkout',
    });
    expect(replaced.items).toHaveLength(3);
    expect(replaced.items.filter((p) => p.status?.phase === 'Pending')).toHaveLength(1);
    kube.emulator.tick();
    const ready = await kube.core.listNamespacedPod({
      namespace: 'shop',
      labelSelector: 'app=checkout',
    });
    expect(
      ready.items.filter((p) =>
        p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      ),
    ).toHaveLength(3);
  });

  it('serves the scale subresource: read, patch, and a stale replace conflicts', async () => {
    kube = await startKube({ autoTick: false });
    await kube.apps.createNamespacedDeployment({
      namespace: 'shop',
      body: deployment('checkout', 'reg/checkout:v1'),
    });
    await tickUntilRolledOut(kube);
    const scale = await kube.apps.readNamespacedDeploymentScale(at);
    expect(scale).toMatchObject({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      spec: { replicas: 3 },
      status: { replicas: 3, selector: 'app=checkout' },
    });
    const scaled = await kube.apps.patchNamespacedDeploymentScale(
      { ...at, body: { spec: { replicas: 5 } } },
      merge,
    );
    expect(scaled.spec?.replicas).toBe(5);
    await tickUntilRolledOut(kube);
    const pods = await kube.core.listNamespacedPod({
      namespace: 'shop',
      labelSelector: 'app=checkout',
    });
    expect(pods.items).toHaveLength(5);
    const sets = await replicaSets(kube);
    expect(sets).toHaveLength(1); // scaling is not a new revision
    const stale = await failure(
      kube.apps.replaceNamespacedDeploymentScale({
        ...at,
        body: { ...scale, spec: { replicas: 1 } },
      }),
    );
    expect(stale.code).toBe(409);
    await kube.apps.replaceNamespacedDeploymentScale({
      ...at,
      body: { metadata: { name: 'checkout', namespace: 'shop' }, spec: { replicas: 2 } },
    });
    await tickUntilRolledOut(kube);
    expect(
      (await kube.core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=checkout' }))
        .items,
    ).toHaveLength(2);
  });

  it('a paused deployment takes a new template without rolling it until resumed', async () => {
    kube = await startKube({ autoTick: false });
    await kube.apps.createNamespacedDeployment({
      namespace: 'shop',
      body: deployment('checkout', 'reg/checkout:v1'),
    });
    await tickUntilRolledOut(kube);
    await kube.apps.patchNamespacedDeployment({ ...at, body: { spec: { paused: true } } }, merge);
    await setImage(kube, 'reg/checkout:v2');
    kube.emulator.tick(5);
    expect(await replicaSets(kube)).toHaveLength(1);
    const paused = await kube.apps.readNamespacedDeployment(at);
    expect(paused.status?.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({
      status: 'Unknown',
      reason: 'DeploymentPaused',
    });
    await kube.apps.patchNamespacedDeployment({ ...at, body: { spec: { paused: false } } }, merge);
    await tickUntilRolledOut(kube);
    expect((await replicaSets(kube)).find((rs) => rs.image === 'reg/checkout:v2')).toMatchObject({
      revision: '2',
      replicas: 3,
    });
  });

  it('with automatic ticks, a client polling the API sees the rollout converge; deleting cascades', async () => {
    kube = await startKube({ tickMs: 10 });
    await kube.apps.createNamespacedDeployment({
      namespace: 'shop',
      body: deployment('checkout', 'reg/checkout:v1', 4),
    });
    await eventually('first rollout', async () =>
      rolledOut(await kube.apps.readNamespacedDeployment(at)) ? true : undefined,
    );
    await setImage(kube, 'reg/checkout:v2');
    const done = await eventually('second rollout', async () => {
      const d = await kube.apps.readNamespacedDeployment(at);
      return d.metadata?.annotations?.[REVISION] === '2' && rolledOut(d) ? d : undefined;
    });
    expect(done.status?.updatedReplicas).toBe(4);
    await kube.apps.deleteNamespacedDeployment(at);
    await eventually('garbage collection', async () => {
      const pods = await kube.core.listNamespacedPod({ namespace: 'shop' });
      const sets = await kube.apps.listNamespacedReplicaSet({ namespace: 'shop' });
      return pods.items.length + sets.items.length === 0 ? true : undefined;
    });
    expect(kube.emulator.errors).toEqual([]);
  });
});
