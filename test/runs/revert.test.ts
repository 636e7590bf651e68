import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunEngine, RunRequest, RunView } from '../../src/runs/types.ts';
import {
  ALICE,
  type Backend,
  deploymentOf,
  ledgerEntries,
  NOBODY,
  openBackend,
  PROD,
  RM,
  STAGING,
  startRunWorld,
  type World,
} from './support/run-world.ts';

function deployment(world: World, context: string) {
  const { replicas, image } = deploymentOf(world, context);
  return { replicas, image };
}

function request(env: string, steps: Array<[string, Record<string, unknown>]>): RunRequest {
  return {
    verb: 'rollback',
    target: { service: 'checkout', env },
    requester: { id: ALICE },
    reason: 'bad release',
    steps: steps.map(([action, params]) => ({
      action,
      params: { service: 'checkout', env, ...params },
    })),
  };
}

/** Drives a run to its end: Confirm for staging, an approval by RM for prod. */
async function drive(engine: RunEngine, view: RunView): Promise<RunView> {
  const { run } = view;
  const click =
    view.waitingFor === 'confirm'
      ? await engine.confirm(run.id, { id: run.requester }, run.planHash)
      : await engine.approve(run.id, { id: RM }, run.planHash);
  if (!click.ok) throw new Error(click.message);
  await engine.idle();
  const done = await engine.get(run.id);
  if (!done) throw new Error('run vanished');
  return done;
}

async function succeeded(engine: RunEngine, req: RunRequest): Promise<RunView> {
  const requested = await engine.request(req);
  if (!requested.ok) throw new Error(requested.message);
  const done = await drive(engine, requested.view);
  expect(done.run.state).toBe('succeeded');
  return done;
}

describe('src/runs revert', () => {
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

  it('creates a revert run that restores every step, last first, once', async () => {
    world = await startRunWorld(backend);
    const engine = world.engine();
    const before = deployment(world, STAGING);
    const original = await succeeded(
      engine,
      request('staging', [
        ['k8s.set-image', { image: 'shop/checkout:1.4.2' }],
        ['k8s.scale', { replicas: '+2' }],
      ]),
    );
    expect(deployment(world, STAGING)).toEqual({ replicas: 5, image: 'shop/checkout:1.4.2' });

    const asked = await engine.revert(original.run.id, { id: ALICE });
    if (!asked.ok) throw new Error(asked.message);
    const { run } = asked.view;
    expect(run).toMatchObject({ revertOf: original.run.id, verb: 'rollback', state: 'planned' });
    expect(run.reason).toBe(`Revert of run ${original.run.id} (bad release)`);
    expect(run.steps.map((s) => [s.action, s.plan])).toEqual([
      ['k8s.scale', `Undo step 2 of run ${original.run.id}: checkout/staging replicas 5 → 3`],
      [
        'k8s.set-image',
        `Undo step 1 of run ${original.run.id}: checkout/staging image \`shop/checkout:1.4.2\` → \`shop/checkout:1.4.1\`, 3 pods`,
      ],
    ]);
    expect(asked.view.plans?.[0]?.diff).toEqual(['- replicas: 5', '+ replicas: 3']);

    const done = await drive(engine, asked.view);
    expect(done.run.state).toBe('succeeded');
    expect(done.run.steps.map((s) => [s.state, s.after])).toEqual([
      ['succeeded', expect.objectContaining({ replicas: 3 })],
      ['succeeded', expect.objectContaining({ image: 'shop/checkout:1.4.1' })],
    ]);
    expect(done.revertUntil).toBeUndefined();
    expect(deployment(world, STAGING)).toEqual(before);
    expect(await engine.revert(original.run.id, { id: ALICE })).toMatchObject({
      ok: false,
      code: 'wrong_state',
      message: `Run ${original.run.id} was already reverted by run ${run.id}.`,
    });
    expect(await engine.revert(run.id, { id: ALICE })).toMatchObject({
      ok: false,
      code: 'not_reversible',
    });
  });

  it('puts a revert on a protected environment through approval again', async () => {
    world = await startRunWorld(backend);
    const engine = world.engine();
    const original = await succeeded(
      engine,
      request('prod', [['k8s.set-image', { image: 'shop/checkout:1.4.0' }]]),
    );
    expect(deployment(world, PROD).image).toBe('shop/checkout:1.4.0');
    const asked = await engine.revert(original.run.id, { id: ALICE });
    if (!asked.ok) throw new Error(asked.message);
    expect(asked.view.run.state).toBe('awaiting_approval');
    expect(
      await engine.approve(asked.view.run.id, { id: ALICE }, asked.view.run.planHash),
    ).toMatchObject({
      ok: false,
      code: 'self_approval',
    });
    const done = await drive(engine, asked.view);
    expect(done.run.state).toBe('succeeded');
    expect(done.approvals.map((a) => a.userId)).toEqual([RM]);
    expect(deployment(world, PROD).image).toBe('shop/checkout:1.4.1');
  });

  it('refuses after the revert window, for people without the role, and for steps that cannot be undone', async () => {
    world = await startRunWorld(backend);
    const engine = world.engine();
    const original = await succeeded(engine, request('staging', [['k8s.scale', { replicas: 4 }]]));
    expect(await engine.revert(original.run.id, { id: NOBODY })).toMatchObject({
      ok: false,
      code: 'not_allowed',
      message: 'Only oncall, release-manager or sre-lead may run `/mc rollback` in `staging`.',
    });
    world.clock.advance(24 * 3_600_000 + 1_000);
    expect((await engine.get(original.run.id))?.revertUntil?.getTime()).toBeLessThan(
      world.clock.clock().getTime(),
    );
    expect(await engine.revert(original.run.id, { id: ALICE })).toMatchObject({
      ok: false,
      code: 'revert_window_closed',
      message: `Run ${original.run.id} finished 24 h ago; its Revert button is only good for 24 h. Start a new run for the state you want instead.`,
    });

    const restart = await succeeded(engine, request('staging', [['k8s.restart', {}]]));
    const refused = await engine.revert(restart.run.id, { id: ALICE });
    expect(refused).toMatchObject({ ok: false, code: 'not_reversible' });
    if (!refused.ok) {
      expect(refused.message).toBe(
        `Nothing to revert in run ${restart.run.id}. Step 1 (k8s.restart) cannot be undone; it stays as done: ${restart.run.steps[0]?.plan}`,
      );
    }
    const kinds = (await ledgerEntries(world, 'run.refused')).map(
      (e) => (e.data as { code: string }).code,
    );
    expect(kinds).toEqual(['not_allowed', 'revert_window_closed', 'not_reversible']);
  });
});
