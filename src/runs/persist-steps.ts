import type { RunState, RunStep } from '../domain/runs/index.ts';
import { ENGINE_ACTOR, type EngineCore, toJson } from './engine-core.ts';
import { type RunPatch, readRun, type StoredRun, updateRun } from './run-store.ts';
import { transition } from './transition.ts';

/** This process no longer owns the run (another one marked it interrupted and took it over). */
export class LostOwnershipError extends Error {
  override readonly name = 'LostOwnershipError';
  constructor(readonly runId: string) {
    super(`run ${runId} is no longer owned by this process; stopping its execution here`);
  }
}

/**
 * Saves the steps of a run this engine executes (only while it still owns it, in `state`),
 * with a `run.step` ledger entry in the same transaction when `entry` is given.
 */
export async function saveSteps(
  core: EngineCore,
  runId: string,
  state: RunState,
  steps: RunStep[],
  entry?: Record<string, unknown>,
): Promise<StoredRun> {
  return core.db.transaction(async (tx) => {
    const expected = { state, ownerId: core.ownerId };
    const updated = await updateRun(tx, runId, expected, { steps, updatedAt: core.clock() });
    if (!updated) throw new LostOwnershipError(runId);
    if (entry) {
      const data = toJson({ run: runId, ...entry });
      await core.ledger.append(
        { actor: ENGINE_ACTOR, kind: 'run.step', subject: `run:${runId}`, data },
        { tx },
      );
    }
    return updated;
  });
}

/**
 * Moves a run this engine owns from `move.from` to `move.to` (ledger, and evidence when it finishes), then tells
 * the observers. Throws LostOwnershipError when another process has taken the run over.
 */
export async function moveOwned(
  core: EngineCore,
  runId: string,
  move: { from: RunState; to: RunState },
  patch: RunPatch,
  data?: Record<string, unknown>,
): Promise<StoredRun> {
  const moved = await core.db.transaction(async (tx) => {
    const stored = await readRun(tx, runId);
    if (stored?.run.state !== move.from || stored.ownerId !== core.ownerId) return undefined;
    return transition(core, tx, stored, {
      to: move.to,
      actor: ENGINE_ACTOR,
      owner: core.ownerId,
      patch,
      ...(data ? { data } : {}),
    });
  });
  if (!moved) throw new LostOwnershipError(runId);
  core.notify(runId);
  return moved;
}
