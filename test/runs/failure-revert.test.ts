import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BUILTIN_ACTIONS } from '../../src/actions/builtin-actions.ts';
import { defineAction } from '../../src/actions/define-action.ts';
import { createActionRegistry } from '../../src/actions/registry.ts';
import { patchConfigMapData } from '../../src/adapters/kubernetes/config-maps.ts';
import type { RunEngine, RunRequest, RunView } from '../../src/runs/types.ts';
import {
  ALICE,
  type Backend,
  deploymentOf,
  ledgerEntries,
  openBackend,
  STAGING,
  startRunWorld,
  type World,
} from './support/run-world.ts';

const target = { service: 'checkout', env: 'staging' };
const scaleUp = { action: 'k8s.scale', params: { ...target, replicas: '+1' } };
const setImage = (image: string) => ({ action: 'k8s.set-image', params: { ...target, image } });
const setFlag = {
  action: 'k8s.set-configmap-key',
  params: { ...target, configMap: 'checkout-flags', key: 'new-cart', value: 'on' },
};

function request(steps: RunRequest['steps']): RunRequest {
  return { verb: 'rollback', target, requester: { id: ALICE }, steps };
}

/** Requests, confirms and waits for a staging run; returns its final view. */
async function runToEnd(engine: RunEngine, steps: RunRequest['steps']): Promise<RunView> {
  const requested = await engine.request(request(steps));
  if (!requested.ok) throw new Error(requested.message);
  const { run } = requested.view;
  const confirmed = await engine.confirm(run.id, { id: ALICE }, run.planHash);
  if (!confirmed.ok) throw new Error(confirmed.message);
  await engine.idle();
  const view = await engine.get(run.id);
  if (!view) throw new Error('run vanished');
  return view;
}

const deployment = (world: World) => deploymentOf(world, STAGING);

function flags(world: World) {
  return world.emulator.get('ConfigMap', 'checkout', 'checkout-flags', STAGING)?.data;
}

async function evidenceOf(world: World, view: RunView) {
  const id = view.evidenceUrl?.split('/').at(-1) ?? '';
  const record = await world.backend.evidence.get(id);
  return JSON.parse(record?.document ?? 'null') as { body: Record<string, unknown> };
}

describe('src/runs failure and automatic revert', () => {
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

  it.each([
    [
      500,
      /Kubernetes refused patching Deployment checkout\/checkout in context ctx-staging: .*\(500 InternalError\)/,
    ],
    [
      409,
      /Deployment checkout\/checkout in context ctx-staging changed while mc was patching it \(409 Conflict\)/,
    ],
  ])(
    'Kubernetes answering %i to step 2 of 3: step 1 is reverted and the run ends reverted',
    async (status, why) => {
      world = await startRunWorld(backend);
      const before = deployment(world);
      world.emulator.failNext(1, {
        status,
        method: 'PATCH',
        pathPattern: /deployments\/checkout$/,
      });
      const view = await runToEnd(world.engine(), [
        scaleUp,
        setImage('shop/checkout:1.4.2'),
        setFlag,
      ]);

      expect(view.run.state, view.run.error).toBe('reverted');
      expect(view.run.error).toMatch(/^Step 2 \(k8s\.set-image\) failed: /);
      expect(view.run.error).toMatch(why);
      expect(view.run.steps.map((s) => s.state)).toEqual(['reverted', 'failed', 'pending']);
      expect(view.run.steps[0]?.before).toMatchObject({ replicas: 3 });
      expect(deployment(world)).toEqual(before);
      expect(flags(world)).toEqual({ 'new-cart': 'off' });

      const evidence = await evidenceOf(world, view);
      expect(evidence.body).toMatchObject({
        outcome: 'reverted',
        request: { verb: 'rollback', requester: ALICE },
        steps: [
          { state: 'reverted', before: { replicas: 3 }, after: { replicas: 4 } },
          { state: 'failed', before: null },
          { state: 'pending' },
        ],
      });
      expect(evidence.body.errors).toEqual([view.run.error, view.run.steps[1]?.error]);
      const kinds = [];
      for await (const e of backend.ledger.read({ from: world.ledgerStart + 1 }))
        kinds.push(e.kind);
      expect(kinds.filter((k) => k.startsWith('run.') && k !== 'run.step')).toEqual([
        'run.planned',
        'run.approved',
        'run.executing',
        'run.reverting',
        'run.reverted',
      ]);
    },
  );

  it('a step whose verify fails is reverted itself, after the steps before it', async () => {
    world = await startRunWorld(backend);
    const before = deployment(world);
    const engine = world.engine({ verifyTimeoutMs: 1_000 });
    const view = await runToEnd(engine, [scaleUp, setImage('shop/checkout:1.4.2-bad'), setFlag]);
    expect(view.run.state, view.run.error).toBe('reverted');
    expect(view.run.error).toMatch(/^Step 2 \(k8s\.set-image\) failed: not done after 1 s: /);
    expect(view.run.steps.map((s) => s.state)).toEqual(['reverted', 'reverted', 'pending']);
    expect(deployment(world)).toEqual(before);
  });

  it('a revert that fails ends the run failed, with both errors, loudly', async () => {
    world = await startRunWorld(backend);
    // Step 2 stands for someone flipping the flag by hand while the run goes on, then failing.
    const tamper = defineAction({
      name: 'test.tamper',
      summary: 'changes the flag behind the run, then fails',
      params: z.strictObject({ service: z.string(), env: z.string() }),
      reversible: false,
      irreversible: 'test action',
      plan: async () => ({
        summary: 'tamper with checkout-flags',
        diff: [],
        intent: { before: null, after: 'tampered' },
      }),
      reconcile: async () => ({ state: 'not_applied', detail: 'not tampered yet' }),
      async apply(ctx) {
        await patchConfigMapData(
          ctx.kube,
          { context: STAGING, namespace: 'checkout', name: 'checkout-flags' },
          { 'new-cart': 'manual' },
        );
        throw new Error('tamper gave up');
      },
      verify: async () => ({ ok: true, detail: '' }),
    });
    const engine = world.engine({ actions: createActionRegistry([...BUILTIN_ACTIONS, tamper]) });
    const view = await runToEnd(engine, [setFlag, { action: 'test.tamper', params: target }]);
    expect(view.run.state).toBe('failed');
    expect(view.run.error).toBe(
      'Step 2 (test.tamper) failed: tamper gave up. ' +
        'Reverting step 1 (k8s.set-configmap-key) also failed: checkout-flags/new-cart is now `manual`, not `on` as mc set it; not reverting over that change. ' +
        'checkout/staging may be left half-changed: a person must check it now, then click Revert to retry.',
    );
    expect(view.run.steps.map((s) => s.state)).toEqual(['revert_failed', 'failed']);
    expect(flags(world)).toEqual({ 'new-cart': 'manual' });
    const failed = await ledgerEntries(world, 'run.failed', `run:${view.run.id}`);
    expect(failed[0]?.data).toMatchObject({ alert: true });
    expect((await evidenceOf(world, view)).body).toMatchObject({ outcome: 'failed' });
  });
});
