import { orList } from '../domain/policy/format.ts';
import { type ApprovalRefusal, evaluateApproval } from '../domain/policy/index.ts';
import type { Queryable } from '../store/db.ts';
import { rolesOf } from './check-requester.ts';
import { ENGINE_ACTOR, type EngineCore, toJson } from './engine-core.ts';
import { insertApproval, readApprovals, type StoredRun } from './run-store.ts';
import { transition } from './transition.ts';
import type { Actor, EngineOutcome, EngineRefusal } from './types.ts';
import { type Decision, refuseClick, stateMessage, withLockedRun } from './with-locked-run.ts';

const PLAN_CHANGED =
  'The plan changed after this button was posted; read the updated plan and click on that one.';

/** approved → executing, owned by this engine, in the click's transaction. */
async function start(core: EngineCore, tx: Queryable, stored: StoredRun, actor: Actor) {
  const approved = await transition(core, tx, stored, { to: 'approved', actor: actor.id });
  if (!approved) throw new Error(`run ${stored.run.id} changed under its row lock`);
  const patch = { ownerId: core.ownerId, heartbeatAt: core.clock() };
  const executing = await transition(core, tx, approved, {
    to: 'executing',
    actor: ENGINE_ACTOR,
    patch,
    data: { owner: core.ownerId },
  });
  if (!executing) throw new Error(`run ${stored.run.id} changed under its row lock`);
}

/** The requester confirms a run that needs no approval: it starts executing. */
export function confirmRun(
  core: EngineCore,
  runId: string,
  actor: Actor,
  hash: string,
): Promise<EngineOutcome> {
  return withLockedRun(core, runId, actor, async (tx, stored): Promise<Decision> => {
    const { run, requirements } = stored;
    if (actor.id !== run.requester) {
      const message = `Only <@${run.requester}>, who asked for run ${run.id}, can confirm it.`;
      return refuseClick(core, tx, stored, actor, 'not_requester', message);
    }
    if (hash !== run.planHash)
      return refuseClick(core, tx, stored, actor, 'plan_changed', PLAN_CHANGED);
    if (run.state === 'awaiting_approval') {
      const message = `Run ${run.id} needs approval from ${orList(requirements.approvals.roles)} (${requirements.approvals.count} needed); Confirm is not enough.`;
      return refuseClick(core, tx, stored, actor, 'wrong_state', message);
    }
    if (run.state !== 'planned')
      return refuseClick(core, tx, stored, actor, 'wrong_state', stateMessage(run));
    await start(core, tx, stored, actor);
    return { result: { ok: true, message: 'Confirmed; executing.' }, changed: true, launch: true };
  });
}

const APPROVAL_CODES: Record<ApprovalRefusal, EngineRefusal> = {
  not_required: 'wrong_state',
  self_approval: 'self_approval',
  not_an_approver: 'not_an_approver',
  plan_changed: 'plan_changed',
  already_approved: 'already_approved',
};

/** An approver approves; the approval that satisfies the tally starts the run. */
export async function approveRun(
  core: EngineCore,
  runId: string,
  actor: Actor,
  hash: string,
  comment?: string,
): Promise<EngineOutcome> {
  // Before the row lock: a Slack group lookup must not hold up other clicks.
  const { roles, lookupError } = await rolesOf(core, actor.id);
  return withLockedRun(core, runId, actor, async (tx, stored): Promise<Decision> => {
    const { run, requirements } = stored;
    if (run.state !== 'awaiting_approval') {
      return refuseClick(core, tx, stored, actor, 'wrong_state', stateMessage(run));
    }
    const decision = evaluateApproval({
      requirements,
      requester: run.requester,
      approver: actor.id,
      approverRoles: roles,
      planHash: run.planHash,
      approvalPlanHash: hash,
      existing: await readApprovals(tx, run.id),
      now: core.clock(),
      ...(comment === undefined ? {} : { comment }),
    });
    if (!decision.ok) {
      const message =
        decision.reason === 'not_an_approver' && lookupError ? lookupError : decision.message;
      return refuseClick(core, tx, stored, actor, APPROVAL_CODES[decision.reason], message);
    }
    await insertApproval(tx, run.id, decision.approval);
    const data = toJson({
      run: run.id,
      approval: decision.approval,
      tally: decision.tally.summary,
    });
    await core.ledger.append(
      { actor: actor.id, kind: 'run.approval', subject: `run:${run.id}`, data },
      { tx },
    );
    if (!decision.tally.satisfied) {
      const message = `Approved: ${decision.tally.summary}; ${decision.tally.needed} more needed.`;
      return { result: { ok: true, message }, changed: true };
    }
    await start(core, tx, stored, actor);
    const message = `Approved (${decision.tally.summary}); executing.`;
    return { result: { ok: true, message }, changed: true, launch: true };
  });
}

/** An approver rejects a run waiting for approval: it ends `rejected`. */
export async function rejectRun(
  core: EngineCore,
  runId: string,
  actor: Actor,
  reason?: string,
): Promise<EngineOutcome> {
  const { roles, lookupError } = await rolesOf(core, actor.id);
  return withLockedRun(core, runId, actor, async (tx, stored): Promise<Decision> => {
    const { run, requirements } = stored;
    if (run.state !== 'awaiting_approval') {
      return refuseClick(core, tx, stored, actor, 'wrong_state', stateMessage(run));
    }
    if (!requirements.approvals.roles.some((role) => roles.has(role))) {
      const message =
        lookupError ??
        `Only ${orList(requirements.approvals.roles)} may reject \`/mc ${requirements.command}\` in \`${requirements.env}\`; <@${run.requester}> may cancel it.`;
      return refuseClick(core, tx, stored, actor, 'not_an_approver', message);
    }
    // The person's words go into a sentence whose `<@U…>` the message renders as mentions:
    // angle brackets in them become look-alikes, so a reason can never mention anyone.
    const words = reason?.trim().replace(/</g, '‹').replace(/>/g, '›');
    const why = words ? `: ${words}` : '';
    const error = `Rejected by <@${actor.id}>${why}`;
    await transition(core, tx, stored, { to: 'rejected', actor: actor.id, patch: { error } });
    return { result: { ok: true, message: error }, changed: true };
  });
}

/** The requester withdraws a run that has not started. */
export function cancelRun(core: EngineCore, runId: string, actor: Actor): Promise<EngineOutcome> {
  return withLockedRun(core, runId, actor, async (tx, stored): Promise<Decision> => {
    const { run } = stored;
    if (actor.id !== run.requester) {
      const message = `Only <@${run.requester}>, who asked for run ${run.id}, can cancel it.`;
      return refuseClick(core, tx, stored, actor, 'not_requester', message);
    }
    if (!['planned', 'awaiting_approval', 'approved'].includes(run.state)) {
      return refuseClick(core, tx, stored, actor, 'wrong_state', stateMessage(run));
    }
    const error = `Cancelled by <@${actor.id}>`;
    await transition(core, tx, stored, { to: 'cancelled', actor: actor.id, patch: { error } });
    return { result: { ok: true, message: error }, changed: true };
  });
}
