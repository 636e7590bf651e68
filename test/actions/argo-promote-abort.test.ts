import { afterEach, describe, expect, it } from 'vitest';
import { ActionError } from '../../src/actions/action-error.ts';
import { abort } from '../../src/actions/argo/abort.ts';
import { promote } from '../../src/actions/argo/promote.ts';
import { setImage } from '../../src/actions/kubernetes/set-image.ts';
import { readWorkload } from '../../src/adapters/kubernetes/workload.ts';
import {
  fast,
  PROD,
  podImages,
  prodRef,
  seedRollout,
  settled,
  startWorld,
  type World,
} from './world.ts';

const prod = { service: 'checkout', env: 'prod' };

describe('src/actions/argo: promote and abort', () => {
  let world: World;
  afterEach(async () => {
    await world.close();
  });

  /** checkout/prod on 1.4.1, with a 1.4.2 canary waiting at its pause step (25%). */
  async function canaryAtPause() {
    world = await startWorld();
    seedRollout(world, 'shop/checkout:1.4.1', 4);
    await settled(world, prodRef);
    const p = { ...prod, image: 'shop/checkout:1.4.2' };
    const applied = await setImage.apply(world.ctx, p);
    expect((await setImage.verify(world.ctx, p, applied, fast)).ok).toBe(true);
  }

  it('promotes a paused canary to the next step with the status patch Argo uses', async () => {
    await canaryAtPause();
    const p = { ...prod, full: false };
    const plan = await promote.plan(world.ctx, p);
    expect(plan.summary).toBe(
      'checkout/prod promote from step 1 of 3 (canary 25%) to the next step',
    );
    expect(plan.warnings).toEqual([
      'Cannot be undone: Argo has no un-promote: the next step starts at once. To go back to the stable version, use argo.abort.',
    ]);
    const applied = await promote.apply(world.ctx, p);
    const write = world.emulator.requests.filter((r) => r.method === 'PATCH').at(-1);
    expect(write).toMatchObject({
      path: '/apis/argoproj.io/v1alpha1/namespaces/checkout/rollouts/checkout/status',
      contentType: 'application/merge-patch+json',
      body: { status: { pauseConditions: null } },
    });
    const verified = await promote.verify(world.ctx, p, applied, fast);
    expect(verified.ok).toBe(true);
    await settled(world, prodRef);
    expect(podImages(world, PROD)).toEqual(Array(4).fill('shop/checkout:1.4.2'));
    await expect(promote.revert(world.ctx, p, applied.before)).rejects.toThrow(ActionError);
  });

  it('promotes fully, skipping the remaining steps', async () => {
    await canaryAtPause();
    const p = { ...prod, full: true };
    expect((await promote.plan(world.ctx, p)).summary).toBe(
      'checkout/prod promote fully from step 1 of 3 (canary 25%): skip remaining steps, canary becomes stable',
    );
    const applied = await promote.apply(world.ctx, p);
    expect(await promote.verify(world.ctx, p, applied, fast)).toEqual({
      ok: true,
      detail: 'checkout/prod fully promoted: Healthy on revision 2',
    });
    expect(podImages(world, PROD)).toEqual(Array(4).fill('shop/checkout:1.4.2'));
  });

  it('says there is nothing to promote or abort on a Healthy rollout', async () => {
    world = await startWorld();
    seedRollout(world, 'shop/checkout:1.4.1', 4);
    await settled(world, prodRef);
    expect(await promote.plan(world.ctx, { ...prod, full: false })).toMatchObject({
      noop: true,
      summary: 'checkout/prod has no canary to promote: Healthy on revision 1',
    });
    expect(await abort.plan(world.ctx, prod)).toMatchObject({ noop: true });
  });

  it('aborts a canary: stable takes every pod back', async () => {
    await canaryAtPause();
    const plan = await abort.plan(world.ctx, prod);
    expect(plan.summary).toBe(
      'checkout/prod abort the canary at step 1 of 3 (canary 25%): stable takes all 4 pods back',
    );
    const applied = await abort.apply(world.ctx, prod);
    expect(world.emulator.requests.filter((r) => r.method === 'PATCH').at(-1)?.body).toEqual({
      status: { abort: true },
    });
    expect(await abort.verify(world.ctx, prod, applied, fast)).toEqual({
      ok: true,
      detail: 'checkout/prod aborted; stable serves 4/4 pods',
    });
    expect(podImages(world, PROD)).toEqual(Array(4).fill('shop/checkout:1.4.1'));
    const live = await readWorkload(world.ctx.kube, prodRef);
    expect(live.status.message).toBe('RolloutAborted: Rollout aborted update to revision 2');
    await expect(abort.revert(world.ctx, prod, applied.before)).rejects.toThrow(
      'argo.abort is not reversible: Argo cannot resume an aborted canary where it stopped; retrying restarts it from step 0 as a new decision.',
    );
  });

  it('refuses a Deployment', async () => {
    world = await startWorld();
    const error = await abort
      .plan(world.ctx, { service: 'checkout', env: 'staging' })
      .catch((e: unknown) => e);
    expect((error as ActionError).code).toBe('refused');
    expect((error as Error).message).toMatch(
      /^checkout\/staging is a Deployment, not an Argo Rollout: argo.abort applies to Rollouts only\./,
    );
  });
});
