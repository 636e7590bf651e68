import { afterEach, describe, expect, it } from 'vitest';
import { ActionError } from '../../src/actions/action-error.ts';
import { restart } from '../../src/actions/kubernetes/restart.ts';
import { readWorkload } from '../../src/adapters/kubernetes/workload.ts';
import {
  fast,
  replicaSets,
  STAGING,
  seedDeployment,
  settled,
  stagingRef,
  startWorld,
  type World,
} from './world.ts';

const staging = { service: 'checkout', env: 'staging' };

describe('src/actions/kubernetes/restart', () => {
  let world: World;
  afterEach(async () => {
    await world.close();
  });

  it('replaces every pod like kubectl rollout restart, and cannot be reverted', async () => {
    world = await startWorld();
    seedDeployment(world, 'shop/checkout:1.4.1', 3);
    await settled(world, stagingRef);
    const oldPods = world.emulator.list('Pod', 'checkout', STAGING).map((p) => p.metadata.name);
    const at = new Date('2026-03-01T03:04:05.678Z');
    const ctx = { ...world.ctx, now: () => at };

    const plan = await restart.plan(ctx, staging);
    expect(plan.summary).toBe('checkout/staging rolling restart of 3 pods (same image, new pods)');
    expect(plan.warnings).toEqual([
      'Cannot be undone: every pod is replaced by a new one; the old pods and their in-memory state are gone.',
    ]);
    const applied = await restart.apply(ctx, staging);
    expect(world.emulator.requests.find((r) => r.method === 'PATCH')?.contentType).toBe(
      'application/strategic-merge-patch+json',
    );
    expect((await readWorkload(ctx.kube, stagingRef)).template.metadata?.annotations).toEqual({
      'kubectl.kubernetes.io/restartedAt': '2026-03-01T03:04:05Z',
    });
    expect((await restart.verify(ctx, staging, applied, fast)).ok).toBe(true);
    const newPods = world.emulator
      .list('Pod', 'checkout', STAGING)
      .filter((p) => !p.metadata.deletionTimestamp);
    expect(newPods).toHaveLength(3);
    expect(newPods.some((p) => oldPods.includes(p.metadata.name))).toBe(false);
    expect(replicaSets(world, STAGING).map((rs) => rs.revision)).toEqual([1, 2]);

    const error = await restart.revert(ctx, staging, applied.before).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionError);
    expect((error as ActionError).code).toBe('not_reversible');
    expect((error as Error).message).toBe(
      'k8s.restart is not reversible: every pod is replaced by a new one; the old pods and their in-memory state are gone.',
    );
  });

  it('refuses an Argo Rollout, naming the command that restarts one', async () => {
    world = await startWorld();
    const error = await restart
      .plan(world.ctx, { service: 'checkout', env: 'prod' })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      'checkout/prod is an Argo Rollout: a template change would start a canary. Use `kubectl argo rollouts restart checkout -n checkout` instead.',
    );
  });
});
