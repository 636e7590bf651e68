import { afterEach, describe, expect, it } from 'vitest';
import { ActionError } from '../../src/actions/action-error.ts';
import { scale } from '../../src/actions/kubernetes/scale.ts';
import { ScaleParams } from '../../src/actions/kubernetes/schema.ts';
import { KubeError } from '../../src/adapters/kubernetes/kube-error.ts';
import { readWorkload } from '../../src/adapters/kubernetes/workload.ts';
import {
  fast,
  PROD,
  podImages,
  prodRef,
  STAGING,
  seedDeployment,
  seedRollout,
  settled,
  stagingRef,
  startWorld,
  type World,
} from './world.ts';

const parse = (replicas: number | string) =>
  ScaleParams.parse({ service: 'checkout', env: 'staging', replicas });

describe('src/actions/kubernetes/scale', () => {
  let world: World;
  afterEach(async () => {
    await world.close();
  });

  it('scales by a relative change through /scale, waits for availability, and reverts', async () => {
    world = await startWorld();
    seedDeployment(world, 'shop/checkout:1.4.1', 3);
    await settled(world, stagingRef);
    const p = parse('+2');

    expect(await scale.plan(world.ctx, p)).toEqual({
      summary: 'checkout/staging replicas 3 → 5',
      diff: ['- replicas: 3', '+ replicas: 5'],
      affected: '2 pods started',
      // The relative change is pinned: apply sets 5, whatever the count is by then.
      intent: {
        before: { workload: stagingRef, replicas: 3 },
        after: { workload: stagingRef, replicas: 5 },
      },
    });
    const applied = await scale.apply(world.ctx, p);
    expect(applied.before).toMatchObject({ replicas: 3 });
    const write = world.emulator.requests.find((r) => r.method === 'PATCH');
    expect(write).toMatchObject({
      path: '/apis/apps/v1/namespaces/checkout/deployments/checkout/scale',
      contentType: 'application/merge-patch+json',
    });
    expect(await scale.verify(world.ctx, p, applied, fast)).toEqual({
      ok: true,
      detail: 'checkout/staging: 5/5 replicas available (5 running)',
    });
    expect(podImages(world, STAGING)).toHaveLength(5);

    await scale.revert(world.ctx, p, applied.before);
    expect((await readWorkload(world.ctx.kube, stagingRef)).replicas).toBe(3);
    expect(podImages(world, STAGING)).toHaveLength(3);
  });

  it('scales an Argo Rollout to an absolute count, down to zero', async () => {
    world = await startWorld();
    seedRollout(world, 'shop/checkout:1.4.1', 4);
    await settled(world, prodRef);
    const p = ScaleParams.parse({ service: 'checkout', env: 'prod', replicas: 0 });
    const plan = await scale.plan(world.ctx, p);
    expect(plan.summary).toBe('checkout/prod replicas 4 → 0');
    expect(plan.warnings).toEqual(['checkout/prod will have no pods: it stops serving.']);
    const applied = await scale.apply(world.ctx, p);
    expect((await scale.verify(world.ctx, p, applied, fast)).ok).toBe(true);
    expect(podImages(world, PROD)).toEqual([]);
    await scale.revert(world.ctx, p, applied.before);
    expect(podImages(world, PROD)).toHaveLength(4);
  });

  it('refuses a change that leaves 0..100, using the live count', async () => {
    world = await startWorld();
    seedDeployment(world, 'shop/checkout:1.4.1', 3);
    const error = await scale.plan(world.ctx, parse('-4')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionError);
    expect((error as Error).message).toBe(
      'checkout/staging has 3 replicas; -4 would make -1, outside 0 to 100.',
    );
    expect(await scale.plan(world.ctx, parse(3))).toMatchObject({ noop: true });
  });

  it('turns a 409 on the scale subresource into a typed KubeError', async () => {
    world = await startWorld();
    seedDeployment(world, 'shop/checkout:1.4.1', 3);
    world.emulator.failNext(1, {
      status: 409,
      method: 'PATCH',
      pathPattern: '/scale',
      reason: 'Conflict',
    });
    const error = await scale.apply(world.ctx, parse(6)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeError);
    expect(error).toMatchObject({ status: 409, reason: 'Conflict' });
    expect((await readWorkload(world.ctx.kube, stagingRef)).replicas).toBe(3);
  });

  it.each([
    [6, { relative: false, count: 6 }],
    ['6', { relative: false, count: 6 }],
    ['+2', { relative: true, delta: 2 }],
    ['-1', { relative: true, delta: -1 }],
  ])('reads replicas %j', (replicas, expected) => {
    expect(parse(replicas).replicas).toEqual(expected);
  });
});
