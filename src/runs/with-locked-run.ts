import type { Run } from '../domain/runs/index.ts';
import type { Queryable } from '../store/db.ts';
import { isoInstant } from '../util/iso-instant.ts';
import { wrongPlace } from './check-origin.ts';
import { ENGINE_ACTOR, type EngineCore } from './engine-core.ts';
import { formatDuration } from './format-age.ts';
import { readRun, type StoredRun } from './run-store.ts';
import { refuse, transition } from './transition.ts';
import type { Actor, EngineOutcome, EngineRefusal } from './types.ts';

/** A click's result before the view is attached. */
export type ClickResult =
  | { ok: true; message?: string }
  | { ok: false; code: EngineRefusal; message: string };

/** What a click decided, inside its transaction; side effects happen after commit. */
export interface Decision {
  result: ClickResult;
  /** The run changed: tell the observers. */
  changed?: boolean;
  /** This engine now owns an executing (or reverting) run: start the work. */
  launch?: boolean;
}

const WAITING = new Set(['planned', 'awaiting_approval', 'approved']);

/** Why a click does not apply to a run in its current state, in words for the clicker. */
export function stateMessage(run: Run): string {
  switch (run.state) {
    case 'approved':
    case 'executing':
      return `Run ${run.id} is already approved and executing.`;
    case 'reverting':
      return `Run ${run.id} is reverting.`;
    case 'interrupted':
      return `Run ${run.id} was interrupted; resume it or revert it.`;
    case 'planned':
      return `Run ${run.id} needs no approval: <@${run.requester}> confirms it.`;
    case 'awaiting_approval':
      return `Run ${run.id} is waiting for approval.`;
    default:
      return `Run ${run.id} has already ${run.state === 'failed' ? 'failed' : `been ${run.state}`}.`;
  }
}

/** The message for a click on a run whose approval window passed. */
function expiredMessage(stored: StoredRun): string {
  const { run, requirements } = stored;
  return (
    `Run ${run.id} expired at ${isoInstant(run.expiresAt)}: it waited longer than ` +
    `${formatDuration(requirements.approvalTtlMs)} for ${requirements.approvals.count > 0 ? 'approval' : 'confirmation'}. ` +
    `Nothing was done; ask again with \`/mc ${run.verb} ${run.target.service} --env ${run.target.env}\`.`
  );
}

/** A refusal for a click on `stored`, recorded in the ledger inside the click's transaction. */
export async function refuseClick(
  core: EngineCore,
  tx: Queryable,
  stored: StoredRun,
  actor: Actor,
  code: EngineRefusal,
  message: string,
): Promise<Decision> {
  const result = await refuse(core, tx, {
    code,
    message,
    actor: actor.id,
    runId: stored.run.id,
    data: { state: stored.run.state, planHash: stored.run.planHash },
  });
  return { result };
}

/**
 * Runs one click in a transaction holding the run's row lock, so clicks on one run (from any
 * process) take turns. A run whose window passed becomes `expired` first and the click is
 * refused. The outcome carries the run's view as it is after commit.
 */
export async function withLockedRun(
  core: EngineCore,
  runId: string,
  actor: Actor,
  decide: (tx: Queryable, stored: StoredRun) => Promise<Decision>,
): Promise<EngineOutcome> {
  const decision = await core.db.transaction(async (tx): Promise<Decision | undefined> => {
    const stored = await readRun(tx, runId, { forUpdate: true });
    if (!stored) return undefined;
    const place = wrongPlace(stored, actor);
    if (place) return refuseClick(core, tx, stored, actor, 'wrong_place', place);
    const now = core.clock();
    if (WAITING.has(stored.run.state) && now.getTime() >= stored.run.expiresAt.getTime()) {
      await transition(core, tx, stored, { to: 'expired', actor: ENGINE_ACTOR });
      const refused = await refuseClick(core, tx, stored, actor, 'expired', expiredMessage(stored));
      return { ...refused, changed: true };
    }
    return decide(tx, stored);
  });
  if (!decision) {
    return {
      ok: false,
      code: 'not_found',
      message: `There is no run ${runId}; it may belong to another mc.`,
    };
  }
  if (decision.changed) core.notify(runId);
  if (decision.launch) core.launch(runId);
  const view = await core.view(runId);
  const { result } = decision;
  if (result.ok) {
    if (!view) throw new Error(`run ${runId} vanished after a click`);
    return { ...result, view };
  }
  return view ? { ...result, view } : result;
}
