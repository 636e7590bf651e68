import type { ActionPlan } from '../actions/types.ts';
import type { KubeIdentity } from '../domain/catalog/schema.ts';
import type { Requirements } from '../domain/policy/index.ts';
import type { Run, RunStep, RunTarget } from '../domain/runs/index.ts';
import { type EngineCore, isUniqueViolation, toJson } from './engine-core.ts';
import { newRunId } from './run-id.ts';
import { insertRun, type Restore, type StoredRun } from './run-store.ts';
import { lockedMessage, lockHolder } from './target-lock.ts';
import { refuse, transition } from './transition.ts';
import type { Actor, EngineOutcome } from './types.ts';

/** A planned run, checked against policy, ready to be stored. */
export interface RunDraft {
  verb: string;
  target: RunTarget;
  requester: Actor;
  reason?: string;
  channel?: string;
  threadTs?: string;
  revertOf?: string;
  steps: RunStep[];
  plans: ActionPlan[];
  requirements: Requirements;
  restores?: Restore[];
  planHash: string;
  /** Who the run acts as on Kubernetes, where its environment impersonates. */
  kubeIdentity?: KubeIdentity;
}

/** Refuses because the target is locked, naming the run that holds it. */
export async function refuseLocked(
  core: EngineCore,
  target: RunTarget,
  actor: string,
): Promise<EngineOutcome> {
  const holder = await lockHolder(core.db, target);
  return refuse(core, undefined, {
    code: 'target_locked',
    message: lockedMessage(target, holder, core.clock()),
    actor,
    target,
    data: { holder: holder?.run.id ?? null },
  });
}

/**
 * Stores a draft as `planned` (and `awaiting_approval` when the policy wants approvals) with
 * its ledger entries, in one transaction. The partial unique index is the real target lock:
 * losing a race for it is a `target_locked` refusal naming the winner.
 */
export async function createRun(core: EngineCore, draft: RunDraft): Promise<EngineOutcome> {
  const now = core.clock();
  const run: Run = {
    id: newRunId(),
    verb: draft.verb,
    target: draft.target,
    requester: draft.requester.id,
    state: 'planned',
    planHash: draft.planHash,
    steps: draft.steps,
    createdAt: now,
    updatedAt: now,
    expiresAt: new Date(now.getTime() + draft.requirements.approvalTtlMs),
  };
  if (draft.reason?.trim()) run.reason = draft.reason.trim();
  if (draft.channel) run.channel = draft.channel;
  if (draft.revertOf) run.revertOf = draft.revertOf;
  const stored: StoredRun = { run, plans: draft.plans, requirements: draft.requirements };
  if (draft.restores) stored.restores = draft.restores;
  if (draft.requester.origin?.team) stored.team = draft.requester.origin.team;
  if (draft.threadTs && draft.channel) stored.threadTs = draft.threadTs;
  if (draft.kubeIdentity) stored.kubeIdentity = draft.kubeIdentity;
  const needsApproval = draft.requirements.approvals.count > 0;
  try {
    await core.db.transaction(async (tx) => {
      await insertRun(tx, stored);
      const data = {
        run: run.id,
        verb: run.verb,
        target: run.target,
        planHash: run.planHash,
        reason: run.reason ?? null,
        revertOf: run.revertOf ?? null,
        steps: run.steps.map((s) => ({
          index: s.index,
          action: s.action,
          params: s.params,
          plan: s.plan,
          ...(s.intent ? { intent: s.intent } : {}),
        })),
        approvals: draft.requirements.approvals,
        expiresAt: run.expiresAt,
        // The audit names the person the cluster saw, not only the Slack user.
        ...(draft.kubeIdentity ? { kubeIdentity: draft.kubeIdentity } : {}),
      };
      const entry = { actor: run.requester, kind: 'run.planned', subject: `run:${run.id}` };
      await core.ledger.append({ ...entry, data: toJson(data) }, { tx });
      if (needsApproval) {
        await transition(core, tx, stored, { to: 'awaiting_approval', actor: run.requester });
      }
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return refuseLocked(core, draft.target, draft.requester.id);
  }
  core.notify(run.id);
  const view = await core.view(run.id);
  if (!view) throw new Error(`run ${run.id} vanished right after it was stored`);
  const message = needsApproval
    ? `Waiting for approval: ${view.tally.summary}.`
    : `Check the plan, then <@${run.requester}> clicks Confirm.`;
  return { ok: true, view, message };
}
