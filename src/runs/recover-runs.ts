import { mayRequest, mayRequestUnder } from '../domain/policy/index.ts';
import type { Queryable } from '../store/db.ts';
import { wrongPlace } from './check-origin.ts';
import { rolesOf } from './check-requester.ts';
import { ENGINE_ACTOR, type EngineCore } from './engine-core.ts';
import { adoptWindow } from './run-checkpoint.ts';
import { readRun, type StoredRun, selectRuns } from './run-store.ts';
import { refuse, transition } from './transition.ts';
import type { Actor, EngineOutcome, RunView } from './types.ts';
import { refuseClick, stateMessage, withLockedRun } from './with-locked-run.ts';

/** Re-reads a run under its row lock and moves it only if nothing changed since `seen`. */
async function moveIfUnchanged(
  core: EngineCore,
  seen: StoredRun,
  move: (tx: Queryable, fresh: StoredRun) => Promise<StoredRun | undefined>,
): Promise<RunView | undefined> {
  const moved = await core.db.transaction(async (tx) => {
    const fresh = await readRun(tx, seen.run.id, { forUpdate: true });
    const same =
      fresh?.run.state === seen.run.state &&
      fresh.ownerId === seen.ownerId &&
      fresh.heartbeatAt?.getTime() === seen.heartbeatAt?.getTime();
    return same ? move(tx, fresh) : undefined;
  });
  if (!moved) return undefined;
  core.notify(seen.run.id);
  return core.view(seen.run.id);
}

/**
 * Runs left `executing`/`reverting` by a dead owner become `interrupted`: another owner whose
 * heartbeat is older than staleAfterMs, or this ownerId when this engine is not running them
 * (an earlier incarnation of this process). With an exclusive (embedded, locked) store every
 * other owner is dead by construction, so its runs are taken at once, fresh heartbeat or not.
 * A heartbeat that lands meanwhile wins. On a shared database, a run whose steps all
 * succeeded and whose verification window was in progress is taken over and goes on here
 * (adoptWindow) instead: it is not among the returned (interrupted) runs.
 */
export async function recoverInterrupted(core: EngineCore): Promise<RunView[]> {
  const cutoff = new Date(core.clock().getTime() - core.staleAfterMs);
  const candidates = core.exclusiveStore
    ? await selectRuns(core.db, `state IN ('executing', 'reverting')`)
    : await selectRuns(
        core.db,
        `state IN ('executing', 'reverting') AND (owner_id IS NULL OR owner_id = $1
           OR owner_heartbeat_at IS NULL OR owner_heartbeat_at < $2)`,
        [core.ownerId, cutoff],
      );
  const views: RunView[] = [];
  const adopted: string[] = [];
  for (const seen of candidates) {
    const mine = () => seen.ownerId === core.ownerId && core.live.has(seen.run.id);
    if (mine()) continue;
    // Checked again under the row lock: a click may have launched it since the read.
    const view = await moveIfUnchanged(core, seen, async (tx, fresh) => {
      if (mine()) return undefined;
      // A window in progress goes on here, with the time it has left.
      const taken = await adoptWindow(core, tx, fresh);
      if (taken) adopted.push(taken.run.id);
      return (
        taken ??
        transition(core, tx, fresh, {
          to: 'interrupted',
          actor: ENGINE_ACTOR,
          patch: { interruptedFrom: fresh.run.state === 'reverting' ? 'reverting' : 'executing' },
          data: {
            deadOwner: fresh.ownerId ?? null,
            lastHeartbeat: fresh.heartbeatAt ?? null,
            foundBy: core.ownerId,
          },
        })
      );
    });
    if (adopted.includes(seen.run.id)) core.launch(seen.run.id);
    else if (view) views.push(view);
  }
  if (adopted.length > 0) {
    core.log.warn({ runs: adopted }, 'verification windows of a dead owner taken over');
  }
  if (views.length > 0) {
    core.log.warn({ runs: views.map((v) => v.run.id) }, 'runs interrupted by a dead owner');
  }
  return views;
}

/** Runs whose approval window passed become `expired` (with their evidence). */
export async function expireStale(core: EngineCore): Promise<RunView[]> {
  const due = await selectRuns(
    core.db,
    `state IN ('planned', 'awaiting_approval', 'approved') AND expires_at <= $1`,
    [core.clock()],
  );
  const views: RunView[] = [];
  for (const seen of due) {
    const view = await moveIfUnchanged(core, seen, (tx, fresh) =>
      transition(core, tx, fresh, { to: 'expired', actor: ENGINE_ACTOR }),
    );
    if (view) views.push(view);
  }
  return views;
}

/**
 * Resume (continue what it was doing) or revert (undo the steps that ran) an interrupted run,
 * owned by this engine from now on. Allowed to its requester and to anyone the verb's policy
 * lets request it: recovering needs no new approval, the run was approved already.
 */
export async function takeOverInterrupted(
  core: EngineCore,
  runId: string,
  actor: Actor,
  how: 'resume' | 'revert',
): Promise<EngineOutcome> {
  const seen = await readRun(core.db, runId);
  if (!seen) return { ok: false, code: 'not_found', message: `There is no run ${runId}.` };
  const place = wrongPlace(seen, actor);
  if (place) {
    return refuse(core, undefined, {
      code: 'wrong_place',
      message: place,
      actor: actor.id,
      runId,
    });
  }
  const spec = core.commands.get(seen.run.verb);
  const { roles } = await rolesOf(core, actor.id);
  // The policy stored on the run: the effective one it was approved under (older runs
  // without stored requesters fall back to the verb's).
  const allowed =
    actor.id === seen.run.requester ||
    (seen.requirements.requesters !== undefined
      ? mayRequestUnder(seen.requirements, roles).ok
      : spec !== undefined && mayRequest({ spec, env: seen.run.target.env, roles }).ok);
  if (!allowed) {
    return refuse(core, undefined, {
      code: 'not_allowed',
      message: `Only <@${seen.run.requester}> or someone who may run \`/mc ${seen.run.verb}\` in \`${seen.run.target.env}\` can ${how} run ${runId}.`,
      actor: actor.id,
      runId,
    });
  }
  return withLockedRun(core, runId, actor, async (tx, stored) => {
    const { run } = stored;
    if (run.state !== 'interrupted')
      return refuseClick(core, tx, stored, actor, 'wrong_state', stateMessage(run));
    if (how === 'revert' && stored.restores) {
      const message = `Run ${run.id} undoes run ${run.revertOf ?? '?'}; resume it, or revert ${run.revertOf ?? 'that run'} again.`;
      return refuseClick(core, tx, stored, actor, 'not_reversible', message);
    }
    const to =
      how === 'revert' || stored.interruptedFrom === 'reverting' ? 'reverting' : 'executing';
    const patch = { ownerId: core.ownerId, heartbeatAt: core.clock(), interruptedFrom: null };
    await transition(core, tx, stored, {
      to,
      actor: actor.id,
      patch,
      data: { how, owner: core.ownerId },
    });
    const message = to === 'reverting' ? `Reverting run ${run.id}.` : `Resuming run ${run.id}.`;
    return { result: { ok: true, message }, changed: true, launch: true };
  });
}
