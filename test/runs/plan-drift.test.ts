import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setImage } from '../../src/actions/kubernetes/set-image.ts';
import type { RunRequest } from '../../src/runs/types.ts';
import {
  ALICE,
  type Backend,
  deploymentOf,
  LEAD,
  ledgerEntries,
  openBackend,
  PROD,
  patches,
  startRunWorld,
  type World,
} from './support/run-world.ts';

const target = { service: 'checkout', env: 'prod' };
const rollback: RunRequest = {
  verb: 'rollback',
  target,
  requester: { id: ALICE },
  reason: 'p99 doubled',
  steps: [{ action: 'k8s.rollout-undo', params: target }],
};
const prodPatches = (world: World) =>
  patches(world.emulator, /namespaces\/checkout\/deployments\/checkout$/).filter(
    (r) => r.cluster === PROD,
  );

describe('src/runs an approval pins what it approves', () => {
  let backend: Backend;
  let world: World;
  beforeAll(async () => {
    backend = await openBackend('pglite');
  });
  afterAll(async () => {
    await backend?.close();
  });
  afterEach(async () => {
    await world.close();
  });

  /** A release as a pipeline makes it, straight to the cluster: a new revision of checkout/prod. */
  async function release(image: string) {
    const p = { ...target, image };
    const applied = await setImage.apply(world.ctx, p);
    expect((await setImage.verify(world.ctx, p, applied, { pollMs: 10 })).ok).toBe(true);
  }

  it('a deploy out of band between plan and approval stops the run before any change', async () => {
    world = await startRunWorld(backend);
    await release('shop/checkout:1.4.2');
    const engine = world.engine();
    const asked = await engine.request(rollback);
    if (!asked.ok) throw new Error(asked.message);
    const { run } = asked.view;
    expect(asked.view.plans?.[0]?.summary).toBe(
      'checkout/prod rollback: revision 2 (`shop/checkout:1.4.2`) → revision 1 (`shop/checkout:1.4.1`), 3 pods',
    );
    // The plan hash binds the resolved target: the template of revision 1.
    expect(run.steps[0]?.intent?.after).toMatchObject({
      revision: 1,
      images: 'shop/checkout:1.4.1',
    });

    await release('shop/checkout:1.4.3');
    const written = prodPatches(world).length;
    const approved = await engine.approve(run.id, { id: LEAD }, run.planHash);
    expect(approved.ok).toBe(true);
    await engine.idle();

    const view = await engine.get(run.id);
    expect(view?.run.state).toBe('failed');
    expect(view?.run.error).toBe(
      [
        `Stopped before any change: checkout/prod changed since run ${run.id} was planned and approved.`,
        '• Step 1 (k8s.rollout-undo): checkout/prod now runs revision 3 (`shop/checkout:1.4.3`); the plan was revision 2 (`shop/checkout:1.4.2`) → revision 1 (`shop/checkout:1.4.1`)',
        'Nothing was changed. Plan again with `/mc rollback checkout --env prod`; the new plan needs new approvals.',
      ].join('\n'),
    );
    expect(view?.run.steps[0]?.state).toBe('pending');
    expect(prodPatches(world)).toHaveLength(written);
    expect(deploymentOf(world, PROD).image).toBe('shop/checkout:1.4.3');
    const failed = await ledgerEntries(world, 'run.failed', `run:${run.id}`);
    expect(failed[0]?.data).toMatchObject({ drifted: [expect.stringContaining('1.4.3')] });

    // Planned again from the live state: another target, another hash, no approval carried over.
    const again = await engine.request(rollback);
    if (!again.ok) throw new Error(again.message);
    expect(again.view.plans?.[0]?.summary).toBe(
      'checkout/prod rollback: revision 3 (`shop/checkout:1.4.3`) → revision 2 (`shop/checkout:1.4.2`), 3 pods',
    );
    expect(again.view.run.planHash).not.toBe(run.planHash);
    expect(again.view.waitingFor).toBe('approval');
    expect(again.view.approvals).toEqual([]);
    await engine.cancel(again.view.run.id, { id: ALICE });
  });

  it('the same request planned against another live state gets another plan hash', async () => {
    world = await startRunWorld(backend);
    const engine = world.engine();
    await release('shop/checkout:1.4.2');
    const first = await engine.request(rollback);
    if (!first.ok) throw new Error(first.message);
    await engine.cancel(first.view.run.id, { id: ALICE });
    await release('shop/checkout:1.4.3');
    const second = await engine.request(rollback);
    if (!second.ok) throw new Error(second.message);
    await engine.cancel(second.view.run.id, { id: ALICE });
    expect(second.view.run.steps[0]?.params).toEqual(first.view.run.steps[0]?.params);
    expect(second.view.run.planHash).not.toBe(first.view.run.planHash);
  });
});
