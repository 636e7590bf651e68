import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EngineOutcome } from '../../src/runs/types.ts';
import { postgresSkipReason } from '../support/postgres.ts';
import {
  ALICE,
  type Backend,
  deploymentOf,
  ledgerEntries,
  openBackend,
  PROD,
  patches,
  RM,
  recordingObserver,
  SRE,
  STAGING,
  startRunWorld,
  type World,
} from './support/run-world.ts';

const SET_IMAGE = /deployments\/checkout$/;
const kinds =
  postgresSkipReason() === null ? (['pglite', 'postgres'] as const) : (['pglite'] as const);

const imageOf = (world: World, context: string) => deploymentOf(world, context).image;

function prodRollback(image = 'shop/checkout:1.4.0') {
  return {
    verb: 'rollback',
    target: { service: 'checkout', env: 'prod' },
    requester: { id: ALICE },
    reason: 'p99 doubled after 1.4.1',
    steps: [{ action: 'k8s.set-image', params: { service: 'checkout', env: 'prod', image } }],
  };
}

describe.each(kinds)('src/runs exactly-once execution (%s)', (kind) => {
  let backend: Backend;
  let world: World;
  let second: Backend | undefined;
  beforeAll(async () => {
    backend = await openBackend(kind);
  });
  afterAll(async () => {
    await backend?.close();
  });
  afterEach(async () => {
    await second?.close();
    second = undefined;
    await world.close();
  });

  it('a double Confirm executes the run once and records its evidence', async () => {
    world = await startRunWorld(backend);
    const observer = recordingObserver();
    const engine = world.engine();
    engine.subscribe(observer);
    const requested = await engine.request({
      verb: 'rollback',
      target: { service: 'checkout', env: 'staging' },
      requester: { id: ALICE },
      steps: [
        {
          action: 'k8s.set-image',
          params: { service: 'checkout', env: 'staging', image: 'shop/checkout:1.4.0' },
        },
      ],
    });
    if (!requested.ok) throw new Error(requested.message);
    const { run } = requested.view;
    expect(run).toMatchObject({ state: 'planned', requester: ALICE });
    expect(requested.view.waitingFor).toBe('confirm');
    expect(requested.view.plans?.[0]?.summary).toBe(
      'checkout/staging image `shop/checkout:1.4.1` → `shop/checkout:1.4.0`, 3 pods',
    );

    const clicks = await Promise.all([
      engine.confirm(run.id, { id: ALICE }, run.planHash),
      engine.confirm(run.id, { id: ALICE }, run.planHash),
    ]);
    const ok = clicks.filter((c) => c.ok);
    expect(ok).toHaveLength(1);
    expect(ok[0]?.view?.run.state).toBe('executing');
    expect(clicks.find((c) => !c.ok)).toMatchObject({
      code: 'wrong_state',
      message: `Run ${run.id} is already approved and executing.`,
    });
    await engine.idle();

    const done = await engine.get(run.id);
    expect(done?.run.state, done?.run.error).toBe('succeeded');
    expect(done?.run.steps[0]).toMatchObject({
      state: 'succeeded',
      before: { image: 'shop/checkout:1.4.1', container: 'app' },
      after: { image: 'shop/checkout:1.4.0' },
    });
    expect(done?.evidenceUrl).toMatch(/^https:\/\/mc\.test\/evidence\/ev_[a-z2-7]{16}$/);
    expect(done?.revertUntil?.getTime()).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    expect(patches(world.emulator, SET_IMAGE)).toHaveLength(1);
    expect(imageOf(world, STAGING)).toBe('shop/checkout:1.4.0');
    const states = (await ledgerEntries(world, 'run.executing', `run:${run.id}`)).length;
    expect(states).toBe(1);
    expect(observer.views.map((v) => v.run.state)).toContain('succeeded');
  });

  it('20 concurrent approvals of a protected run execute it once', async () => {
    world = await startRunWorld(backend);
    const engine = world.engine();
    const requested = await engine.request(prodRollback());
    if (!requested.ok) throw new Error(requested.message);
    const { run } = requested.view;
    expect(run.state).toBe('awaiting_approval');
    expect(requested.view.waitingFor).toBe('approval');
    expect(requested.view.tally.summary).toBe('0 of 1 (sre-lead, release-manager)');

    const approvers = Array.from({ length: 20 }, (_, i) => ({ id: i % 2 ? SRE : RM }));
    const clicks = await Promise.all(approvers.map((a) => engine.approve(run.id, a, run.planHash)));
    const ok = clicks.filter((c): c is Extract<EngineOutcome, { ok: true }> => c.ok);
    expect(ok).toHaveLength(1);
    expect(ok[0]?.message).toBe('Approved (1 of 1 (sre-lead, release-manager)); executing.');
    expect(clicks.filter((c) => !c.ok).map((c) => !c.ok && c.code)).toEqual(
      Array(19).fill('wrong_state'),
    );
    await engine.idle();

    expect((await engine.get(run.id))?.run.state).toBe('succeeded');
    expect(patches(world.emulator, SET_IMAGE).filter((r) => r.cluster === PROD)).toHaveLength(1);
    expect(imageOf(world, PROD)).toBe('shop/checkout:1.4.0');
    const approvals = (await engine.get(run.id))?.approvals ?? [];
    expect(approvals).toHaveLength(1);
    expect(await ledgerEntries(world, 'run.refused', `run:${run.id}`)).toHaveLength(19);
  });

  it.skipIf(kind !== 'postgres')(
    'two bot processes (two pools, two owners) receiving the approval execute the run once',
    async () => {
      world = await startRunWorld(backend);
      second = await openBackend('postgres', backend.url);
      const one = world.engine({ ownerId: 'bot-a' });
      const two = world.engine({
        ownerId: 'bot-b',
        db: second.db,
        ledger: second.ledger,
        evidence: second.evidence,
      });
      const requested = await one.request(prodRollback());
      if (!requested.ok) throw new Error(requested.message);
      const { run } = requested.view;
      const clicks = await Promise.all(
        [one, two, one, two].flatMap((engine) => [
          engine.approve(run.id, { id: SRE }, run.planHash),
          engine.approve(run.id, { id: RM }, run.planHash),
        ]),
      );
      const said = JSON.stringify(clicks.map((c) => (c.ok ? 'ok' : `${c.code}: ${c.message}`)));
      expect(
        clicks.filter((c) => c.ok),
        said,
      ).toHaveLength(1);
      await Promise.all([one.idle(), two.idle()]);
      const done = await two.get(run.id);
      expect(done?.run.state, done?.run.error).toBe('succeeded');
      expect(patches(world.emulator, SET_IMAGE).filter((r) => r.cluster === PROD)).toHaveLength(1);
      const started = await ledgerEntries(world, 'run.executing', `run:${run.id}`);
      expect(started).toHaveLength(1);
      expect(['bot-a', 'bot-b']).toContain(
        (started[0]?.data as { owner?: string } | undefined)?.owner,
      );
    },
  );
});
