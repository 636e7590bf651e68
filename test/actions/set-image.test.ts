import { afterEach, describe, expect, it } from 'vitest';
import { ActionError } from '../../src/actions/action-error.ts';
import { setImage } from '../../src/actions/kubernetes/set-image.ts';
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

describe('src/actions/kubernetes/set-image', () => {
  let world: World;
  afterEach(async () => {
    await world.close();
  });

  it('plans from the live image, rolls the Deployment out, and reverts to the exact spec', async () => {
    world = await startWorld();
    seedDeployment(world, 'shop/checkout:1.4.1');
    await settled(world, stagingRef);
    const p = { service: 'checkout', env: 'staging', image: 'shop/checkout:1.4.2' };
    const specBefore = (await readWorkload(world.ctx.kube, stagingRef)).template;

    const plan = await setImage.plan(world.ctx, p);
    expect(plan.summary).toBe(
      'checkout/staging image `shop/checkout:1.4.1` → `shop/checkout:1.4.2`, 3 pods',
    );
    expect(plan.diff).toEqual(['- app: shop/checkout:1.4.1', '+ app: shop/checkout:1.4.2']);

    const applied = await setImage.apply(world.ctx, p);
    expect(applied.before).toMatchObject({ image: 'shop/checkout:1.4.1', container: 'app' });
    expect(JSON.parse(JSON.stringify(applied))).toEqual(applied);
    const progress: string[] = [];
    const verified = await setImage.verify(world.ctx, p, applied, {
      ...fast,
      onProgress: (d) => progress.push(d),
    });
    expect(verified).toEqual({ ok: true, detail: 'deployment "checkout" successfully rolled out' });
    expect(progress.length).toBeGreaterThan(1);
    expect(podImages(world, STAGING)).toEqual(Array(3).fill('shop/checkout:1.4.2'));
    const patch = world.emulator.requests.find((r) => r.method === 'PATCH');
    expect(patch?.contentType).toBe('application/json-patch+json');

    await setImage.revert(world.ctx, p, applied.before);
    await settled(world, stagingRef);
    expect((await readWorkload(world.ctx.kube, stagingRef)).template).toEqual(specBefore);
    expect(podImages(world, STAGING)).toEqual(Array(3).fill('shop/checkout:1.4.1'));
  });

  it('says when the image is already running, and changes nothing', async () => {
    world = await startWorld();
    seedDeployment(world, 'shop/checkout:1.4.1');
    const p = { service: 'checkout', env: 'staging', image: 'shop/checkout:1.4.1' };
    const plan = await setImage.plan(world.ctx, p);
    expect(plan).toMatchObject({
      noop: true,
      summary: 'checkout/staging already runs `shop/checkout:1.4.1`; nothing to change',
    });
    const applied = await setImage.apply(world.ctx, p);
    expect(applied.after).toEqual(applied.before);
    expect(world.emulator.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
  });

  it('fails verify with the progress-deadline message when the new image crash-loops', async () => {
    world = await startWorld({ timeScale: 12_000, tickMs: 20 });
    seedDeployment(world, 'shop/checkout:1.4.1');
    await settled(world, stagingRef);
    const p = { service: 'checkout', env: 'staging', image: 'shop/checkout:1.4.2-bad' };
    const applied = await setImage.apply(world.ctx, p);
    const verified = await setImage.verify(world.ctx, p, applied, fast);
    expect(verified.ok).toBe(false);
    expect(verified.detail).toMatch(
      /^deployment "checkout" exceeded its progress deadline: ReplicaSet "checkout-[a-z0-9]+" has timed out progressing\.$/,
    );
    await setImage.revert(world.ctx, p, applied.before);
    expect(podImages(world, STAGING)).toEqual(Array(3).fill('shop/checkout:1.4.1'));
  });

  it('refuses to revert over an image someone else set after it', async () => {
    world = await startWorld();
    seedDeployment(world, 'shop/checkout:1.4.1');
    const p = { service: 'checkout', env: 'staging', image: 'shop/checkout:1.4.2' };
    const applied = await setImage.apply(world.ctx, p);
    await setImage.apply(world.ctx, { ...p, image: 'shop/checkout:1.5.0' });
    const error = await setImage.revert(world.ctx, p, applied.before).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionError);
    expect((error as ActionError).message).toBe(
      'checkout/staging now runs `shop/checkout:1.5.0`, not `shop/checkout:1.4.2` as mc set it; not reverting over that change.',
    );
  });

  it('changes an Argo Rollout through the custom objects API and stops at the canary pause', async () => {
    world = await startWorld();
    seedRollout(world, 'shop/checkout:1.4.1');
    await settled(world, prodRef);
    const p = { service: 'checkout', env: 'prod', image: 'shop/checkout:1.4.2' };
    const plan = await setImage.plan(world.ctx, p);
    expect(plan.summary).toBe(
      'checkout/prod image `shop/checkout:1.4.1` → `shop/checkout:1.4.2`, 4 pods',
    );
    const applied = await setImage.apply(world.ctx, p);
    const verified = await setImage.verify(world.ctx, p, applied, fast);
    expect(verified).toEqual({
      ok: true,
      detail:
        'rollout "checkout" is Paused at step 1 of 3: CanaryPauseStep; the canary holds here until someone clicks Promote in the thread; Abort returns traffic to stable',
    });
    expect(podImages(world, PROD)).toEqual([
      'shop/checkout:1.4.1',
      'shop/checkout:1.4.1',
      'shop/checkout:1.4.1',
      'shop/checkout:1.4.2',
    ]);
    await setImage.revert(world.ctx, p, applied.before);
    expect(podImages(world, PROD)).toEqual(Array(4).fill('shop/checkout:1.4.1'));
  });
});
