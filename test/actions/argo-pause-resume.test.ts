import { afterEach, describe, expect, it } from 'vitest';
import { pause } from '../../src/actions/argo/pause.ts';
import { resume } from '../../src/actions/argo/resume.ts';
import { readWorkload } from '../../src/adapters/kubernetes/workload.ts';
import { fast, prodRef, seedRollout, settled, startWorld, type World } from './world.ts';

const prod = { service: 'checkout', env: 'prod' };

describe('src/actions/argo: pause and resume', () => {
  let world: World;
  afterEach(async () => {
    await world.close();
  });

  it('pauses with spec.paused, and resume (or revert) undoes it', async () => {
    world = await startWorld();
    seedRollout(world, 'shop/checkout:1.4.1', 4);
    await settled(world, prodRef);

    expect(await pause.plan(world.ctx, prod)).toEqual({
      summary: 'checkout/prod pause the rollout (Healthy now)',
      diff: ['- spec.paused: false', '+ spec.paused: true'],
      intent: {
        before: { workload: prodRef, paused: false },
        after: { workload: prodRef, paused: true },
      },
    });
    const paused = await pause.apply(world.ctx, prod);
    const write = world.emulator.requests.filter((r) => r.method === 'PATCH').at(-1);
    expect(write).toMatchObject({
      path: '/apis/argoproj.io/v1alpha1/namespaces/checkout/rollouts/checkout',
      body: { spec: { paused: true } },
    });
    expect(await pause.verify(world.ctx, prod, paused, fast)).toEqual({
      ok: true,
      detail: 'checkout/prod is Paused (manually paused)',
    });
    expect(await pause.plan(world.ctx, prod)).toMatchObject({ noop: true });

    const resumed = await resume.apply(world.ctx, prod);
    expect(await resume.verify(world.ctx, prod, resumed, fast)).toEqual({
      ok: true,
      detail: 'checkout/prod is Healthy',
    });
    await resume.revert(world.ctx, prod, resumed.before);
    expect((await readWorkload(world.ctx.kube, prodRef)).status).toMatchObject({
      phase: 'Paused',
      message: 'manually paused',
    });

    await pause.revert(world.ctx, prod, paused.before);
    const live = await readWorkload(world.ctx.kube, prodRef);
    expect(live.paused).toBe(false);
    expect(live.status.phase).toBe('Healthy');
  });

  it('points resume at promote when the rollout waits at a canary pause step', async () => {
    world = await startWorld();
    seedRollout(world, 'shop/checkout:1.4.1', 4, [{ setWeight: 25 }, { pause: {} }]);
    await settled(world, prodRef);
    await world.ctx.kube.forContext(prodRef.context).custom.patchNamespacedCustomObject({
      group: 'argoproj.io',
      version: 'v1alpha1',
      plural: 'rollouts',
      namespace: 'checkout',
      name: 'checkout',
      body: [
        {
          op: 'replace',
          path: '/spec/template/spec/containers/0/image',
          value: 'shop/checkout:1.4.2',
        },
      ],
    });
    for (
      let i = 0;
      i < 200 && (await readWorkload(world.ctx.kube, prodRef)).status.phase !== 'Paused';
      i++
    ) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(await resume.plan(world.ctx, prod)).toEqual({
      summary:
        'checkout/prod is already not paused; nothing to change. It waits at a canary pause step: use argo.promote.',
      diff: [],
      noop: true,
      intent: {
        before: { workload: prodRef, paused: false },
        after: { workload: prodRef, paused: false },
      },
    });
  });
});
