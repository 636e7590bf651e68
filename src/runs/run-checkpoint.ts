import type { Queryable } from '../store/db.ts';
import { ENGINE_ACTOR, type EngineCore, toJson } from './engine-core.ts';
import { LostOwnershipError } from './persist-steps.ts';
import { type StoredRun, updateRun } from './run-store.ts';

/** What the run's after-steps hook saved last (undefined: nothing in progress). */
export async function readCheckpoint(q: Queryable, runId: string): Promise<unknown> {
  const { rows } = await q.query<{ checkpoint: unknown }>(
    'SELECT checkpoint FROM runs WHERE id = $1',
    [runId],
  );
  return rows[0]?.checkpoint ?? undefined;
}

/**
 * Saves where the run's after-steps hook stands (null: nothing in progress), only while this
 * engine owns the run executing: a stale owner gets LostOwnershipError and writes nothing.
 */
export async function saveCheckpoint(
  core: EngineCore,
  runId: string,
  data: unknown,
): Promise<void> {
  const { rowCount } = await core.db.query(
    `UPDATE runs SET checkpoint = $3::jsonb
     WHERE id = $1 AND owner_id = $2 AND state = 'executing'`,
    [runId, core.ownerId, data === null ? null : JSON.stringify(data)],
  );
  if (rowCount === 0) throw new LostOwnershipError(runId);
}

/**
 * A dead owner's run whose steps all succeeded and whose window was in progress (checkpoint
 * saved) is taken over by this engine, under the run's row lock, and goes on here: nothing
 * is applied again (every step is done) and the window continues where it stood.
 * Undefined when the run does not qualify (a person then resumes or reverts it).
 */
export async function adoptWindow(
  core: EngineCore,
  tx: Queryable,
  fresh: StoredRun,
): Promise<StoredRun | undefined> {
  const { run } = fresh;
  if (core.exclusiveStore || run.state !== 'executing') return undefined;
  if (!run.steps.every((step) => step.state === 'succeeded')) return undefined;
  if (fresh.checkpoint === undefined) return undefined;
  const adopted = await updateRun(
    tx,
    run.id,
    { state: 'executing', ...(fresh.ownerId ? { ownerId: fresh.ownerId } : {}) },
    { ownerId: core.ownerId, heartbeatAt: core.clock() },
  );
  if (!adopted) return undefined;
  const data = toJson({
    run: run.id,
    deadOwner: fresh.ownerId ?? null,
    lastHeartbeat: fresh.heartbeatAt ?? null,
    owner: core.ownerId,
  });
  await core.ledger.append(
    { actor: ENGINE_ACTOR, kind: 'run.taken-over', subject: `run:${run.id}`, data },
    { tx },
  );
  return adopted;
}
