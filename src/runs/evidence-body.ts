import type { Approval } from '../domain/policy/index.ts';
import { toJson } from './engine-core.ts';
import type { StoredRun } from './run-store.ts';

/** One line for the evidence page and the ledger: `rollback checkout/prod: reverted`. */
export function evidenceSummary(stored: StoredRun): string {
  const { run } = stored;
  const what = run.revertOf ? `revert of ${run.revertOf} (${run.verb})` : run.verb;
  return `${what} ${run.target.service}/${run.target.env}: ${run.state}`;
}

/**
 * What an auditor needs about a finished run: the request, the policy and who approved when,
 * the plan as shown, every step's before/after and error, the outcome and its times.
 */
export function evidenceBody(stored: StoredRun, approvals: Approval[]): unknown {
  const { run } = stored;
  return toJson({
    run: run.id,
    request: {
      verb: run.verb,
      target: run.target,
      requester: run.requester,
      reason: run.reason ?? null,
      requestedAt: run.createdAt,
      revertOf: run.revertOf ?? null,
    },
    policy: stored.requirements,
    approvals: approvals.map((a) => ({
      userId: a.userId,
      role: a.role,
      at: a.at,
      planHash: a.planHash,
      comment: a.comment ?? null,
    })),
    planHash: run.planHash,
    plan: run.steps.map((step, i) => ({
      index: step.index,
      action: step.action,
      params: step.params,
      reversible: step.reversible,
      summary: step.plan,
      diff: stored.plans[i]?.diff ?? [],
      warnings: stored.plans[i]?.warnings ?? [],
      restores: stored.restores?.[i] ?? null,
      // The exact target the approvals were bound to (the plan hash covers it).
      intent: step.intent ?? null,
    })),
    steps: run.steps.map((step) => ({
      index: step.index,
      action: step.action,
      state: step.state,
      before: step.before ?? null,
      after: step.after ?? null,
      error: step.error ?? null,
      startedAt: step.startedAt ?? null,
      finishedAt: step.finishedAt ?? null,
    })),
    errors: [run.error, ...run.steps.map((s) => s.error)].filter((e) => e !== undefined),
    outcome: run.state,
    // Intervals and each check's last value, or why no SLO window ran (deploys, rollbacks).
    verification: stored.verification ?? null,
    timestamps: {
      createdAt: run.createdAt,
      expiresAt: run.expiresAt,
      finishedAt: stored.finishedAt ?? run.updatedAt,
    },
  });
}
