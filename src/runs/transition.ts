import { assertTransition, type RunState, type RunTarget } from '../domain/runs/index.ts';
import type { Queryable } from '../store/db.ts';
import { type EngineCore, toJson } from './engine-core.ts';
import { evidenceBody, evidenceSummary } from './evidence-body.ts';
import { type RunPatch, readApprovals, type StoredRun, updateRun } from './run-store.ts';
import type { EngineOutcome, EngineRefusal } from './types.ts';

/** States that end a run's work: each records an evidence bundle. */
export const FINISHED: ReadonlySet<RunState> = new Set([
  'succeeded',
  'failed',
  'reverted',
  'rejected',
  'expired',
  'cancelled',
]);

export interface TransitionInput {
  to: RunState;
  /** Who decided: a Slack user id, or `mc` for the engine itself. */
  actor: string;
  /** Only if this process still owns the run (executing and reverting runs). */
  owner?: string;
  patch?: RunPatch;
  /** Extra ledger data: the approval, the failure, the step results. */
  data?: Record<string, unknown>;
}

/** Step results as the ledger keeps them with each transition. */
function stepResults(stored: StoredRun) {
  return stored.run.steps.map((s) => ({
    index: s.index,
    action: s.action,
    state: s.state,
    ...(s.error ? { error: s.error } : {}),
  }));
}

/**
 * Moves a run from the state it was read in to `input.to` with a conditional update, and in
 * the same transaction appends `run.<state>` to the ledger and, for a finishing state, records
 * the evidence bundle and links it. Undefined when the run was no longer in that state (another
 * click or process won): the caller then does nothing.
 */
export async function transition(
  core: EngineCore,
  tx: Queryable,
  stored: StoredRun,
  input: TransitionInput,
): Promise<StoredRun | undefined> {
  const { id } = stored.run;
  const from = stored.run.state;
  const { to } = input;
  assertTransition(from, to);
  const now = core.clock();
  const patch: RunPatch = { ...input.patch, state: to, updatedAt: now };
  if (FINISHED.has(to)) patch.finishedAt = now;
  const expected =
    input.owner === undefined ? { state: from } : { state: from, ownerId: input.owner };
  let updated = await updateRun(tx, id, expected, patch);
  if (!updated) return undefined;
  const { run } = updated;
  await core.ledger.append(
    {
      actor: input.actor,
      kind: `run.${to}`,
      subject: `run:${id}`,
      data: toJson({
        run: id,
        verb: run.verb,
        target: run.target,
        planHash: run.planHash,
        from,
        to,
        steps: stepResults(updated),
        ...(run.error ? { error: run.error } : {}),
        ...(run.revertOf ? { revertOf: run.revertOf } : {}),
        ...input.data,
      }),
    },
    { tx },
  );
  if (FINISHED.has(to)) {
    const approvals = await readApprovals(tx, id);
    const recorded = await core.evidence.record(
      {
        kind: 'run',
        subject: `run:${id}`,
        summary: evidenceSummary(updated),
        body: evidenceBody(updated, approvals),
        actor: input.actor,
      },
      { tx },
    );
    const patchEvidence = { evidenceId: recorded.id, evidenceUrl: recorded.url };
    updated = (await updateRun(tx, id, { state: to }, patchEvidence)) ?? updated;
  }
  return updated;
}

/** A refusal, recorded in the ledger as `run.refused` (inside `q` when given) and returned. */
export async function refuse(
  core: EngineCore,
  q: Queryable | undefined,
  input: {
    code: EngineRefusal;
    message: string;
    actor: string;
    runId?: string;
    target?: RunTarget;
    data?: Record<string, unknown>;
  },
): Promise<EngineOutcome & { ok: false }> {
  const subject = input.runId
    ? `run:${input.runId}`
    : `target:${input.target?.service ?? '?'}/${input.target?.env ?? '?'}`;
  const entry = {
    actor: input.actor,
    kind: 'run.refused',
    subject,
    data: toJson({ code: input.code, message: input.message, ...input.data }),
  };
  await core.ledger.append(entry, q ? { tx: q } : {});
  return { ok: false, code: input.code, message: input.message };
}
