import { orList } from './format.ts';
import type { Requirements } from './requirements.ts';
import type { Approval } from './schema.ts';
import { type Tally, tally } from './tally.ts';

/** Why a click on Approve does not count. */
export type ApprovalRefusal =
  | 'not_required'
  | 'self_approval'
  | 'not_an_approver'
  | 'plan_changed'
  | 'already_approved';

export type ApprovalDecision =
  | { ok: true; approval: Approval; tally: Tally }
  | { ok: false; reason: ApprovalRefusal; message: string };

/**
 * Decides whether an Approve click counts, and under which role (the first role of the policy
 * the approver holds). `planHash` is the run's current hash; `approvalPlanHash` the hash of the
 * plan the approver was shown, when the click carries one. On success, `tally` includes the
 * new approval, so the caller knows whether the run is now approved.
 */
export function evaluateApproval(input: {
  requirements: Requirements;
  requester: string;
  approver: string;
  approverRoles: ReadonlySet<string>;
  planHash: string;
  approvalPlanHash?: string;
  existing: readonly Approval[];
  now: Date;
  comment?: string;
}): ApprovalDecision {
  const { requirements: req, approver, planHash, now } = input;
  const where = `\`/mc ${req.command}\` in \`${req.env}\``;
  const who = orList(req.approvals.roles);
  const refuse = (reason: ApprovalRefusal, message: string): ApprovalDecision => ({
    ok: false,
    reason,
    message,
  });
  if (req.approvals.count === 0) {
    return refuse('not_required', `${where} needs no approval.`);
  }
  if (approver === input.requester && !req.selfApproval) {
    return refuse(
      'self_approval',
      `You asked for this run, so you cannot approve it: \`${req.env}\` is protected. ` +
        `Ask someone with the ${who} role.`,
    );
  }
  const role = req.approvals.roles.find((r) => input.approverRoles.has(r));
  if (role === undefined) {
    return refuse('not_an_approver', `Only ${who} may approve ${where}.`);
  }
  if (input.approvalPlanHash !== undefined && input.approvalPlanHash !== planHash) {
    return refuse(
      'plan_changed',
      'The plan changed after this approval was asked for; read the updated plan and approve that one.',
    );
  }
  const before = tally({ requirements: req, approvals: input.existing, planHash, now });
  if (before.valid.some((a) => a.userId === approver)) {
    return refuse(
      'already_approved',
      `You have already approved this run; each person counts once. Approvals: ${before.summary}.`,
    );
  }
  const approval: Approval = { userId: approver, role, at: now, planHash };
  if (input.comment !== undefined && input.comment.trim() !== '') {
    approval.comment = input.comment.trim();
  }
  const after = tally({
    requirements: req,
    approvals: [...input.existing, approval],
    planHash,
    now,
  });
  return { ok: true, approval, tally: after };
}
