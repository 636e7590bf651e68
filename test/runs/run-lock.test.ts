import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requirementsFor } from '../../src/domain/policy/index.ts';
import { ACTIVE, RunState } from '../../src/domain/runs/index.ts';
import { newRunId } from '../../src/runs/run-id.ts';
import { insertRun } from '../../src/runs/run-store.ts';
import type { RunRequest } from '../../src/runs/types.ts';
import {
  ALICE,
  type Backend,
  BOB,
  catalog,
  ledgerEntries,
  loadCommands,
  openBackend,
  startRunWorld,
  type World,
} from './support/run-world.ts';

const prod: RunRequest = {
  verb: 'rollback',
  target: { service: 'checkout', env: 'prod' },
  requester: { id: ALICE },
  reason: 'p99 doubled',
  steps: [{ action: 'k8s.scale', params: { service: 'checkout', env: 'prod', replicas: 4 } }],
};

describe('src/runs target lock', () => {
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

  it.each(RunState.options)(
    'a run in state %s holds the lock exactly when ACTIVE says so',
    async (state) => {
      world = await startRunWorld(backend);
      const spec = (await loadCommands()).get('rollback');
      if (!spec) throw new Error('no rollback spec');
      const requirements = requirementsFor({ spec, env: 'prod', catalog });
      const insert = (id: string) => {
        const now = new Date();
        const run = {
          id,
          verb: 'rollback',
          target: { service: 'checkout', env: 'prod' },
          requester: ALICE,
          state,
          planHash: 'a'.repeat(64),
          steps: [
            {
              index: 0,
              action: 'k8s.scale',
              params: {},
              reversible: true,
              plan: 'p',
              state: 'pending' as const,
            },
          ],
          createdAt: now,
          updatedAt: now,
          expiresAt: now,
        };
        return insertRun(backend.db, { run, plans: [], requirements });
      };
      await insert(newRunId());
      const second = await insert(newRunId()).then(
        () => 'inserted',
        (error: { code?: string }) => error.code,
      );
      expect(second).toBe(ACTIVE.has(state) ? '23505' : 'inserted');
    },
  );

  it('refuses a second request on a locked target, naming the run, who and when', async () => {
    world = await startRunWorld(backend);
    const engine = world.engine();
    const first = await engine.request(prod);
    if (!first.ok) throw new Error(first.message);
    world.clock.advance(3 * 60_000 + 5_000);
    const second = await engine.request({ ...prod, requester: { id: BOB } });
    expect(second).toEqual({
      ok: false,
      code: 'target_locked',
      message: `\`checkout\` in \`prod\` is locked by run ${first.view.run.id} (rollback by <@${ALICE}>, started 3 min ago). Wait for it or cancel it.`,
    });
    const refused = await ledgerEntries(world, 'run.refused', 'target:checkout/prod');
    expect(refused.map((e) => [e.actor, e.data])).toEqual([
      [BOB, expect.objectContaining({ code: 'target_locked', holder: first.view.run.id })],
    ]);
    // Another target is free; and once the holder is cancelled, so is this one.
    expect(
      (
        await engine.request({
          ...prod,
          target: { service: 'checkout', env: 'staging' },
          steps: [
            { action: 'k8s.scale', params: { service: 'checkout', env: 'staging', replicas: 4 } },
          ],
        })
      ).ok,
    ).toBe(true);
    await engine.cancel(first.view.run.id, { id: ALICE });
    expect((await engine.request({ ...prod, requester: { id: BOB } })).ok).toBe(true);
  });

  it('lets exactly one of ten simultaneous requests for a target through', async () => {
    world = await startRunWorld(backend);
    const engines = [world.engine(), world.engine()];
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => engines[i % 2]?.request(prod)),
    );
    expect(outcomes.filter((o) => o?.ok)).toHaveLength(1);
    const codes = outcomes.filter((o) => o && !o.ok).map((o) => o && !o.ok && o.code);
    expect(codes).toEqual(Array(9).fill('target_locked'));
    expect(await engines[0]?.active()).toHaveLength(1);
  });
});
