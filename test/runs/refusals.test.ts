import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunEngine, RunRequest } from '../../src/runs/types.ts';
import {
  ALICE,
  type Backend,
  BOB,
  LEAD,
  ledgerEntries,
  NOBODY,
  openBackend,
  patches,
  RM,
  SRE,
  STAGING,
  startRunWorld,
  type World,
} from './support/run-world.ts';

const prod = (requester = ALICE, reason: string | undefined = 'p99 doubled'): RunRequest => ({
  verb: 'rollback',
  target: { service: 'checkout', env: 'prod' },
  requester: { id: requester },
  ...(reason === undefined ? {} : { reason }),
  steps: [
    {
      action: 'k8s.set-image',
      params: { service: 'checkout', env: 'prod', image: 'shop/checkout:1.4.0' },
    },
  ],
});

async function planned(engine: RunEngine, request: RunRequest) {
  const outcome = await engine.request(request);
  if (!outcome.ok) throw new Error(outcome.message);
  return outcome.view.run;
}

describe('src/runs refusals', () => {
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
    {
      name: 'someone without an approver role',
      requester: ALICE,
      approver: BOB,
      hash: undefined,
      code: 'not_an_approver',
      message: 'Only sre-lead or release-manager may approve `/mc rollback` in `prod`.',
    },
    {
      name: 'the requester of a protected run, even holding the role',
      requester: LEAD,
      approver: LEAD,
      hash: undefined,
      code: 'self_approval',
      message:
        'You asked for this run, so you cannot approve it: `prod` is protected. Ask someone with the sre-lead or release-manager role.',
    },
    {
      name: 'an approval carrying an older plan hash',
      requester: ALICE,
      approver: SRE,
      hash: 'f'.repeat(64),
      code: 'plan_changed',
      message:
        'The plan changed after this approval was asked for; read the updated plan and approve that one.',
    },
  ])('refuses an approval by $name, executes nothing, records the refusal', async (c) => {
    world = await startRunWorld(backend);
    const engine = world.engine();
    const run = await planned(engine, prod(c.requester));
    const outcome = await engine.approve(run.id, { id: c.approver }, c.hash ?? run.planHash);
    expect(outcome).toMatchObject({ ok: false, code: c.code, message: c.message });
    expect(outcome.view?.run.state).toBe('awaiting_approval');
    expect(outcome.view?.approvals).toEqual([]);
    await engine.idle();
    expect(patches(world.emulator, /deployments/)).toEqual([]);
    const refused = await ledgerEntries(world, 'run.refused', `run:${run.id}`);
    expect(refused.map((e) => [e.actor, (e.data as { code: string }).code])).toEqual([
      [c.approver, c.code],
    ]);
  });

  it('refuses an approval after the window: the run expires, with evidence, and nothing runs', async () => {
    world = await startRunWorld(backend);
    const engine = world.engine();
    const run = await planned(engine, prod());
    world.clock.advance(15 * 60_000 + 1);
    const outcome = await engine.approve(run.id, { id: SRE }, run.planHash);
    expect(outcome).toMatchObject({ ok: false, code: 'expired' });
    if (outcome.ok) return;
    expect(outcome.message).toMatch(
      new RegExp(
        `^Run ${run.id} expired at \\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z: it waited longer than 15 min for approval\\. Nothing was done; ask again with \`/mc rollback checkout --env prod\`\\.$`,
      ),
    );
    expect(outcome.view?.run.state).toBe('expired');
    expect(outcome.view?.evidenceUrl).toMatch(/\/evidence\/ev_/);
    expect(await ledgerEntries(world, 'run.expired', `run:${run.id}`)).toHaveLength(1);
    expect(await ledgerEntries(world, 'run.refused', `run:${run.id}`)).toHaveLength(1);
    expect(patches(world.emulator, /deployments/)).toEqual([]);
    // The lock is released: a new request for the target is accepted.
    expect((await engine.request(prod())).ok).toBe(true);
  });

  it('expireStale() expires runs nobody clicked on', async () => {
    world = await startRunWorld(backend);
    const engine = world.engine();
    const run = await planned(engine, prod());
    expect(await engine.expireStale()).toEqual([]);
    world.clock.advance(16 * 60_000);
    const expired = await engine.expireStale();
    expect(expired.map((v) => [v.run.id, v.run.state])).toEqual([[run.id, 'expired']]);
    expect(await engine.active()).toEqual([]);
  });

  it('lets only the requester confirm or cancel, and only approvers reject', async () => {
    world = await startRunWorld(backend);
    const engine = world.engine();
    const staging = { ...prod(), target: { service: 'checkout', env: 'staging' } };
    staging.steps = [
      { action: 'k8s.scale', params: { service: 'checkout', env: 'staging', replicas: '+1' } },
    ];
    const run = await planned(engine, staging);
    expect(await engine.confirm(run.id, { id: BOB }, run.planHash)).toMatchObject({
      ok: false,
      code: 'not_requester',
      message: `Only <@${ALICE}>, who asked for run ${run.id}, can confirm it.`,
    });
    expect(await engine.approve(run.id, { id: SRE }, run.planHash)).toMatchObject({
      ok: false,
      code: 'wrong_state',
    });
    expect(await engine.cancel(run.id, { id: BOB })).toMatchObject({
      ok: false,
      code: 'not_requester',
    });
    const cancelled = await engine.cancel(run.id, { id: ALICE });
    expect(cancelled).toMatchObject({ ok: true, view: { run: { state: 'cancelled' } } });
    expect(cancelled.view?.evidenceUrl).toBeDefined();

    const other = await planned(engine, prod());
    expect(await engine.confirm(other.id, { id: ALICE }, other.planHash)).toMatchObject({
      ok: false,
      code: 'wrong_state',
    });
    expect(await engine.reject(other.id, { id: BOB }, 'no')).toMatchObject({
      ok: false,
      code: 'not_an_approver',
    });
    const rejected = await engine.reject(other.id, { id: RM }, 'not during the sale');
    expect(rejected).toMatchObject({
      ok: true,
      view: { run: { state: 'rejected', error: `Rejected by <@${RM}>: not during the sale` } },
    });
    await engine.idle();
    expect(patches(world.emulator, /deployments/)).toEqual([]);
  });

  it.each([
    {
      name: 'a requester without a role',
      request: prod(NOBODY),
      code: 'not_allowed',
      message: 'Only oncall, release-manager or sre-lead may run `/mc rollback` in `prod`.',
    },
    {
      name: 'no reason on a protected env',
      request: prod(ALICE, ''),
      code: 'reason_required',
      message: /^`\/mc rollback` in `prod` needs a reason, for the approvers and the ledger\./,
    },
    {
      name: 'params that do not fit the action',
      request: {
        ...prod(),
        steps: [
          {
            action: 'k8s.scale',
            params: { service: 'checkout', env: 'prod', replicas: 'lots', extra: 1 },
          },
        ],
      },
      code: 'invalid_params',
      message:
        /^The run cannot be planned:\n• Step 1 \(k8s\.scale\): replicas: must be a whole number.*\n• Step 1 \(k8s\.scale\): unknown parameter "extra"; known: service, env, replicas$/s,
    },
    {
      name: 'a step aimed at another environment',
      request: {
        ...prod(),
        steps: [
          { action: 'k8s.scale', params: { service: 'checkout', env: 'staging', replicas: 4 } },
        ],
      },
      code: 'invalid_params',
      message:
        "The run cannot be planned:\n• Step 1 (k8s.scale): acts on checkout/staging, but the run's target is checkout/prod.",
    },
    {
      name: 'an unknown service',
      request: { ...prod(), target: { service: 'chekout', env: 'prod' } },
      code: 'invalid_params',
      message: /chekout/,
    },
    {
      name: 'a plan with nothing to change',
      request: {
        ...prod(),
        steps: [
          {
            action: 'k8s.set-image',
            params: { service: 'checkout', env: 'prod', image: 'shop/checkout:1.4.1' },
          },
        ],
      },
      code: 'plan_failed',
      message:
        'Nothing to change: checkout/prod already runs `shop/checkout:1.4.1`; nothing to change.',
    },
  ])('refuses a request with $name', async (c) => {
    world = await startRunWorld(backend);
    const engine = world.engine();
    const outcome = await engine.request(c.request as RunRequest);
    expect(outcome).toMatchObject({ ok: false, code: c.code });
    if (!outcome.ok) expect(outcome.message).toMatch(c.message);
    expect(await engine.active()).toEqual([]);
    const refused = await ledgerEntries(world, 'run.refused');
    expect(refused.map((e) => (e.data as { code: string }).code)).toEqual([c.code]);
  });

  it("refuses a plan the action refuses on live state, with the action's message", async () => {
    world = await startRunWorld(backend);
    const apps = world.ctx.kube.forContext(STAGING).apps;
    await apps.patchNamespacedDeployment(
      { name: 'checkout', namespace: 'checkout', body: { spec: { paused: true } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const outcome = await world.engine().request({
      verb: 'rollback',
      target: { service: 'checkout', env: 'staging' },
      requester: { id: ALICE },
      steps: [{ action: 'k8s.rollout-undo', params: { service: 'checkout', env: 'staging' } }],
    });
    expect(outcome).toMatchObject({
      ok: false,
      code: 'plan_failed',
      message:
        'Step 1 (k8s.rollout-undo): checkout/staging is paused; resume it first (kubectl rollout resume deployment/checkout -n checkout), then roll back.',
    });
  });
});
