import { afterEach, describe, expect, it } from 'vitest';
import { ActionError } from '../../src/actions/action-error.ts';
import { rolloutUndo } from '../../src/actions/kubernetes/rollout-undo.ts';
import { KubeError } from '../../src/adapters/kubernetes/kube-error.ts';
import { readWorkload } from '../../src/adapters/kubernetes/workload.ts';
import {
  fast,
  PROD,
  podImages,
  prodRef,
  release,
  replicaSets,
  STAGING,
  seedDeployment,
  seedRollout,
  settled,
  stagingRef,
  startWorld,
  type World,
} from './world.ts';

const staging = { service: 'checkout', env: 'staging' };

describe('src/actions/kubernetes/rollout-undo', () => {
  let world: World;
  afterEach(async () => {
    await world.close();
  });

  /** Three releases: revisions 1 (1.4.0), 2 (1.4.1), 3 (1.4.2, current). */
  async function history() {
    world = await startWorld();
    seedDeployment(world, 'shop/checkout:1.4.0');
    await settled(world, stagingRef);
    await release(world, stagingRef, 'shop/checkout:1.4.1');
    await release(world, stagingRef, 'shop/checkout:1.4.2');
    return replicaSets(world, STAGING);
  }

  it('goes back one revision by reusing its ReplicaSet, and revert restores the template', async () => {
    const sets = await history();
    expect(sets.map((rs) => [rs.revision, rs.image])).toEqual([
      [1, 'shop/checkout:1.4.0'],
      [2, 'shop/checkout:1.4.1'],
      [3, 'shop/checkout:1.4.2'],
    ]);
    const live = await readWorkload(world.ctx.kube, stagingRef);

    const plan = await rolloutUndo.plan(world.ctx, staging);
    expect(plan.summary).toBe(
      'checkout/staging rollback: revision 3 (`shop/checkout:1.4.2`) → revision 2 (`shop/checkout:1.4.1`), 3 pods',
    );
    expect(plan.diff).toEqual(['- app: shop/checkout:1.4.2', '+ app: shop/checkout:1.4.1']);
    expect(plan.affected).toBe(`3 pods; ReplicaSet ${sets[1]?.name} is reused`);

    const applied = await rolloutUndo.apply(world.ctx, staging);
    expect(await rolloutUndo.verify(world.ctx, staging, applied, fast)).toEqual({
      ok: true,
      detail: 'deployment "checkout" successfully rolled out',
    });
    const patch = world.emulator.requests.filter((r) => r.method === 'PATCH').at(-1);
    expect(patch?.contentType).toBe('application/json-patch+json');
    expect(patch?.body).toContainEqual({
      op: 'replace',
      path: '/metadata/resourceVersion',
      value: live.resourceVersion,
    });
    const after = replicaSets(world, STAGING);
    expect(after.map((rs) => rs.name).sort()).toEqual(sets.map((rs) => rs.name).sort());
    expect(after.at(-1)).toMatchObject({ name: sets[1]?.name, revision: 4, replicas: 3 });
    expect(podImages(world, STAGING)).toEqual(Array(3).fill('shop/checkout:1.4.1'));
    const template = (await readWorkload(world.ctx.kube, stagingRef)).template;
    expect(template.metadata?.labels).toEqual({ app: 'checkout' });

    await rolloutUndo.revert(world.ctx, staging, applied.before);
    const restored = await readWorkload(world.ctx.kube, stagingRef);
    expect(restored.template).toEqual(live.template);
    expect(restored.annotations['deployment.kubernetes.io/revision']).toBe('5');
    expect(podImages(world, STAGING)).toEqual(Array(3).fill('shop/checkout:1.4.2'));
  });

  it('goes to a given revision, and says so when it is already the current one', async () => {
    const sets = await history();
    const to1 = { ...staging, toRevision: 1 };
    expect((await rolloutUndo.plan(world.ctx, to1)).summary).toBe(
      'checkout/staging rollback: revision 3 (`shop/checkout:1.4.2`) → revision 1 (`shop/checkout:1.4.0`), 3 pods',
    );
    const applied = await rolloutUndo.apply(world.ctx, to1);
    expect((await rolloutUndo.verify(world.ctx, to1, applied, fast)).ok).toBe(true);
    expect(replicaSets(world, STAGING).at(-1)).toMatchObject({
      name: sets[0]?.name,
      revision: 4,
      replicas: 3,
    });

    const again = await rolloutUndo.plan(world.ctx, { ...staging, toRevision: 4 });
    expect(again).toMatchObject({
      noop: true,
      summary:
        'checkout/staging already runs revision 4 (`shop/checkout:1.4.0`); nothing to roll back',
    });
  });

  it('refuses an unknown revision, listing the known ones', async () => {
    await history();
    const error = await rolloutUndo
      .plan(world.ctx, { ...staging, toRevision: 7 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionError);
    expect((error as Error).message).toBe(
      'checkout/staging has no revision 7 in its rollout history. Known revisions: 1 (shop/checkout:1.4.0), 2 (shop/checkout:1.4.1), 3 (shop/checkout:1.4.2, current).',
    );
  });

  it('refuses a paused Deployment', async () => {
    world = await startWorld();
    seedDeployment(world, 'shop/checkout:1.4.0', 3, { paused: true });
    const error = await rolloutUndo.apply(world.ctx, staging).catch((e: unknown) => e);
    expect((error as ActionError).code).toBe('refused');
    expect((error as Error).message).toBe(
      'checkout/staging is paused; resume it first (kubectl rollout resume deployment/checkout -n checkout), then roll back.',
    );
    expect(world.emulator.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
  });

  it('surfaces a 409 Conflict as a typed KubeError and writes nothing', async () => {
    await history();
    world.emulator.failNext(1, {
      status: 409,
      method: 'PATCH',
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on deployments.apps "checkout": the object has been modified; please apply your changes to the latest version and try again',
    });
    const error = await rolloutUndo.apply(world.ctx, staging).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeError);
    expect(error).toMatchObject({ status: 409, reason: 'Conflict' });
    expect((error as Error).message).toBe(
      `Deployment checkout/checkout in context ${STAGING} changed while mc was patching it (409 Conflict); nothing was written. Plan again to see its current state.`,
    );
    expect(podImages(world, STAGING)).toEqual(Array(3).fill('shop/checkout:1.4.2'));
  });

  it('rolls an Argo Rollout back to its previous ReplicaSet', async () => {
    world = await startWorld();
    seedRollout(world, 'shop/checkout:1.4.1', 4, []);
    await settled(world, prodRef);
    await release(world, prodRef, 'shop/checkout:1.4.2');
    const before = replicaSets(world, PROD, 'rollout.argoproj.io/revision');
    const prod = { service: 'checkout', env: 'prod' };
    expect((await rolloutUndo.plan(world.ctx, prod)).summary).toBe(
      'checkout/prod rollback: revision 2 (`shop/checkout:1.4.2`) → revision 1 (`shop/checkout:1.4.1`), 4 pods',
    );
    const applied = await rolloutUndo.apply(world.ctx, prod);
    expect(await rolloutUndo.verify(world.ctx, prod, applied, fast)).toEqual({
      ok: true,
      detail: 'rollout "checkout" is Healthy',
    });
    expect(podImages(world, PROD)).toEqual(Array(4).fill('shop/checkout:1.4.1'));
    // The ReplicaSet of revision 1 is scaled back up and becomes revision 3, as the Argo
    // controller renumbers a reused ReplicaSet; no new one is created.
    const after = replicaSets(world, PROD, 'rollout.argoproj.io/revision');
    expect(after.map((rs) => rs.name)).toEqual([before[1]?.name, before[0]?.name]);
    expect(after.find((rs) => rs.name === before[0]?.name)).toMatchObject({
      replicas: 4,
      revision: 3,
    });
    const rollout = await readWorkload(world.ctx.kube, prodRef);
    expect(rollout.annotations['rollout.argoproj.io/revision']).toBe('3');
  });
});
