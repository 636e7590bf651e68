import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PrometheusClient } from '../../src/adapters/prometheus/create-prometheus-client.ts';
import { createVerification, type Verification } from '../../src/deploys/verification.ts';
import { createPauseStore, type PauseStore } from '../../src/deploys/verification-pauses.ts';
import type { Run } from '../../src/domain/runs/index.ts';
import type { AfterStepsContext, AfterStepsOutcome } from '../../src/runs/after-steps-hook.ts';
import type { RunView } from '../../src/runs/types.ts';
import { captureLogs } from '../support/slack-logs.ts';
import { catalog, type DeployWorld, startDeployWorld } from './deploy-world.ts';

const ALICE = 'U01ALICE01';
const BOB = 'U01BOBBY02';
let sequence = 0;

/** Prometheus answering each query with the next scripted value: a number, or an error. */
function scripted(values: (number | Error)[]) {
  let last: number | Error = 0;
  const client: Pick<PrometheusClient, 'query' | 'graphUrl'> = {
    async query() {
      last = values.length > 0 ? (values.shift() as number | Error) : last;
      if (last instanceof Error) throw last;
      return { type: 'vector', series: [{ labels: {}, time: 0, value: last }] };
    },
    graphUrl: (q) => `http://prom/graph?g0.expr=${encodeURIComponent(q)}`,
  };
  return client;
}

function deployRun(): Run {
  const at = new Date();
  sequence += 1;
  return {
    id: `r_verify${'abcdefghij'[sequence] ?? 'z'}test`,
    verb: 'deploy',
    target: { service: 'checkout', env: 'staging' },
    requester: ALICE,
    state: 'executing',
    planHash: 'a'.repeat(64),
    steps: [
      {
        index: 0,
        action: 'k8s.set-image',
        params: { service: 'checkout', env: 'staging', image: 'shop/checkout:1.4.2' },
        reversible: true,
        plan: 'image 1.4.1 → 1.4.2',
        state: 'succeeded',
        before: { image: 'shop/checkout:1.4.1' },
      },
    ],
    createdAt: at,
    updatedAt: at,
    expiresAt: at,
  };
}

/** What the engine gives the hook, recording what it was told. */
function context(world: DeployWorld, run: Run) {
  const progress: string[] = [];
  const ledger: { kind: string; data: Record<string, unknown>; actor?: string }[] = [];
  const ctx: AfterStepsContext = {
    run,
    actionContext: world.world.ctx,
    progress: (line) => progress.push(line),
    changed: () => {},
    note: (line) => progress.push(line),
    // The engine's check is the stored policy; here only the requester may decide.
    mayDecide: async (actorId) =>
      actorId === run.requester ? undefined : `Only <@${run.requester}> may decide.`,
    record: async (kind, data, actor) => {
      ledger.push({ kind, data, ...(actor ? { actor } : {}) });
    },
  };
  return { ctx, progress, ledger };
}

/** A view as the engine passes to `settled` once the run reached `state`. */
function viewIn(run: Run, state: Run['state']): RunView {
  return { run: { ...run, state }, evidenceUrl: 'https://mc.test/evidence/e_1' } as RunView;
}

describe('deploys/verification (the after-steps hook)', () => {
  let world: DeployWorld;
  let pauses: PauseStore;
  const logs = captureLogs();
  beforeAll(async () => {
    world = await startDeployWorld();
  }, 30_000);
  afterAll(async () => {
    await world?.close();
  });
  beforeEach(() => {
    pauses = createPauseStore(world.store.db);
  });

  const verification = (values: (number | Error)[]): Verification =>
    createVerification({
      catalog,
      prometheus: scripted(values),
      deployLog: world.deployLog,
      log: logs.log,
      pauses,
      intervalMs: 5,
      required: 3,
    });
  const records = (run: Run) => world.deployLog.deploysOfRun(run.id);
  /** Waits until the run's window paused (stored and asked). */
  async function paused(v: Verification, run: Run): Promise<void> {
    for (let i = 0; i < 200 && !v.pausedFor?.(run.id); i++) await delay(5);
    expect(v.pausedFor?.(run.id)).toEqual({ reason: expect.any(String), decider: ALICE });
  }

  it('promotes after 3 consecutive healthy intervals (threshold: sum(up) < 1)', async () => {
    const run = deployRun();
    const { ctx, progress, ledger } = context(world, run);
    const outcome = await verification([0, 0, 0]).run(ctx);
    expect(outcome.kind).toBe('succeeded');
    expect(progress.filter((l) => l.startsWith('Verification interval'))).toHaveLength(3);
    expect(ledger.find((e) => e.kind === 'run.verification')?.data.status).toBe('healthy');
    await outcome.settled?.(viewIn(run, 'succeeded'));
    expect(await records(run)).toMatchObject([
      { kind: 'deploy', outcome: 'succeeded', toImage: expect.any(String), by: ALICE },
    ]);
  });

  it('a breach rolls the deploy back, recorded as an automatic rollback by mc for the requester', async () => {
    const run = deployRun();
    const { ctx } = context(world, run);
    const outcome = await verification([0, 5]).run(ctx);
    expect(outcome).toMatchObject({
      kind: 'revert',
      reason: expect.stringContaining('error-ratio'),
    });
    await outcome.settled?.(viewIn(run, 'reverted'));
    const [deploy, undo] = await records(run);
    expect(deploy).toMatchObject({ kind: 'deploy', outcome: 'rolled-back' });
    expect(undo).toMatchObject({
      kind: 'auto-rollback',
      by: 'mc',
      onBehalfOf: ALICE,
      fromImage: deploy?.toImage,
      toImage: 'shop/checkout:1.4.1',
      outcome: 'succeeded',
    });
  });

  it('an inconclusive interval pauses and never promotes; only the requester decides; Continue resumes', async () => {
    const run = deployRun();
    const { ctx, ledger } = context(world, run);
    const v = verification([new Error('Prometheus is down'), 0, 0, 0]);
    let settled: AfterStepsOutcome | undefined;
    const running = v.run(ctx).then((o) => {
      settled = o;
      return o;
    });
    await paused(v, run);
    await delay(50);
    expect(settled).toBeUndefined(); // waits: an inconclusive window does not promote
    expect(await v.decide(run.id, { id: BOB }, 'continue')).toMatchObject({ ok: false });
    expect(await v.decide(run.id, { id: ALICE }, 'continue')).toEqual({ ok: true });
    expect(await v.decide(run.id, { id: ALICE }, 'rollback')).toMatchObject({ ok: false });
    expect((await running).kind).toBe('succeeded');
    expect(ledger.find((e) => e.kind === 'run.verification.decision')).toMatchObject({
      data: { decision: 'continue', timedOut: false },
      actor: ALICE,
    });
    expect(await pauses.read(run.id)).toBeUndefined();
  });

  it('Roll back on a paused window reverts the deploy', async () => {
    const run = deployRun();
    const { ctx } = context(world, run);
    const v = verification([new Error('timeout')]);
    const running = v.run(ctx);
    await paused(v, run);
    expect(await v.decide(run.id, { id: ALICE }, 'rollback')).toEqual({ ok: true });
    const outcome = await running;
    expect(outcome).toMatchObject({
      kind: 'revert',
      reason: expect.stringContaining('chose Roll back'),
    });
  });

  it('a pause outlives its process: another instance takes the stored decision and carries the window on', async () => {
    const run = deployRun();
    const first = verification([new Error('Prometheus is down')]);
    void first.run(context(world, run).ctx); // this "process" dies while paused
    await paused(first, run);
    expect(await pauses.read(run.id)).toMatchObject({
      decider: ALICE,
      state: { status: 'inconclusive' },
    });

    const second = verification([0, 0, 0]);
    expect(await second.decide(run.id, { id: BOB }, 'continue')).toMatchObject({ ok: false });
    expect(await second.decide(run.id, { id: ALICE }, 'continue')).toEqual({
      ok: true,
      resume: true,
    });
    expect(await second.decide(run.id, { id: ALICE }, 'continue')).toMatchObject({ ok: false });
    const { ctx, progress } = context(world, run);
    const outcome = await second.run(ctx); // the engine resumed the run
    expect(outcome.kind).toBe('succeeded');
    expect(progress).toContain('Verification continues');
    await outcome.settled?.(viewIn(run, 'succeeded'));
    expect(await records(run)).toMatchObject([{ kind: 'deploy', outcome: 'succeeded' }]);
  });

  it('resumed without a decision, the window asks again without evaluating', async () => {
    const run = deployRun();
    const first = verification([new Error('down')]);
    void first.run(context(world, run).ctx);
    await paused(first, run);
    const second = verification([0.9]);
    const running = second.run(context(world, run).ctx);
    await paused(second, run);
    expect(await second.decide(run.id, { id: ALICE }, 'rollback')).toEqual({ ok: true });
    expect((await running).kind).toBe('revert');
  });
});
