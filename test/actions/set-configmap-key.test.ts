import { afterEach, describe, expect, it } from 'vitest';
import type { ActionError } from '../../src/actions/action-error.ts';
import { setConfigMapKey } from '../../src/actions/kubernetes/set-configmap-key.ts';
import { KubeError } from '../../src/adapters/kubernetes/kube-error.ts';
import { STAGING, startWorld, type World } from './world.ts';

const base = { service: 'checkout', env: 'staging', configMap: 'checkout-flags' };
const data = () => world.emulator.get('ConfigMap', 'checkout', 'checkout-flags', STAGING)?.data;
let world: World;

async function withFlags(flags: Record<string, string>) {
  world = await startWorld();
  world.emulator.seed(
    [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'checkout-flags', namespace: 'checkout' },
        data: flags,
      },
    ],
    STAGING,
  );
}

describe('src/actions/kubernetes/set-configmap-key', () => {
  afterEach(async () => {
    await world.close();
  });

  it('flips a flag with a conditional merge patch and reverts to the old value', async () => {
    await withFlags({ new_checkout: 'false', rate_limit: '100' });
    const p = { ...base, key: 'new_checkout', value: 'true' };
    const plan = await setConfigMapKey.plan(world.ctx, p);
    expect(plan.summary).toBe(
      'checkout/staging ConfigMap `checkout-flags` key `new_checkout`: `false` → `true`',
    );
    expect(plan.diff).toEqual(['- new_checkout: false', '+ new_checkout: true']);

    const applied = await setConfigMapKey.apply(world.ctx, p);
    const write = world.emulator.requests.find((r) => r.method === 'PATCH');
    expect(write?.contentType).toBe('application/merge-patch+json');
    expect(write?.body).toMatchObject({
      metadata: { resourceVersion: expect.any(String) },
      data: { new_checkout: 'true' },
    });
    expect(await setConfigMapKey.verify(world.ctx, p, applied, {})).toEqual({
      ok: true,
      detail: 'checkout-flags/new_checkout is `true`',
    });
    expect(data()).toEqual({ new_checkout: 'true', rate_limit: '100' });

    await setConfigMapKey.revert(world.ctx, p, applied.before);
    expect(data()).toEqual({ new_checkout: 'false', rate_limit: '100' });
  });

  it('adds an absent key, and revert removes it again', async () => {
    await withFlags({ rate_limit: '100' });
    const p = { ...base, key: 'kill_switch', value: 'on' };
    expect((await setConfigMapKey.plan(world.ctx, p)).summary).toBe(
      'checkout/staging ConfigMap `checkout-flags` key `kill_switch`: (absent) → `on`',
    );
    const applied = await setConfigMapKey.apply(world.ctx, p);
    expect(applied.before).toMatchObject({ key: 'kill_switch', value: null });
    expect(data()).toEqual({ rate_limit: '100', kill_switch: 'on' });
    await setConfigMapKey.revert(world.ctx, p, applied.before);
    expect(data()).toEqual({ rate_limit: '100' });
  });

  it('does not revert over a value someone else set since', async () => {
    await withFlags({ rate_limit: '100' });
    const p = { ...base, key: 'rate_limit', value: '50' };
    const applied = await setConfigMapKey.apply(world.ctx, p);
    await setConfigMapKey.apply(world.ctx, { ...p, value: '20' });
    const error = await setConfigMapKey
      .revert(world.ctx, p, applied.before)
      .catch((e: unknown) => e);
    expect((error as ActionError).code).toBe('changed');
    expect(data()).toEqual({ rate_limit: '20' });
  });

  it('names the missing ConfigMap and its context', async () => {
    world = await startWorld();
    const error = await setConfigMapKey
      .plan(world.ctx, { ...base, key: 'x', value: '1' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeError);
    expect((error as Error).message).toBe(
      `ConfigMap checkout/checkout-flags not found in context ${STAGING}`,
    );
  });

  it('surfaces a concurrent edit (409) as a typed KubeError', async () => {
    await withFlags({ rate_limit: '100' });
    world.emulator.failNext(1, {
      status: 409,
      method: 'PATCH',
      pathPattern: 'configmaps',
      reason: 'Conflict',
    });
    const error = await setConfigMapKey
      .apply(world.ctx, { ...base, key: 'rate_limit', value: '5' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 409, reason: 'Conflict' });
    expect((error as Error).message).toMatch(
      /^ConfigMap checkout\/checkout-flags in context .* changed while mc was patching it/,
    );
    expect(data()).toEqual({ rate_limit: '100' });
  });
});
