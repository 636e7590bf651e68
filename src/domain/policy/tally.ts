import type { Requirements } from './requirements.ts';
import type { Approval } from './schema.ts';

/** How far a run's approvals go. The four lists partition the approvals given. */
export interface Tally {
  satisfied: boolean;
  /** Counted: current plan, within the TTL, an eligible role, one per person (the latest). */
  valid: Approval[];
  /** Older than the TTL. */
  expired: Approval[];
  /** Given for another plan hash: the plan changed after they approved. */
  stale: Approval[];
  /** Not counted for another reason: a person's earlier duplicate, or a role the policy does not name. */
  ignored: Approval[];
  /** Approvals still missing (0 when satisfied). */
  needed: number;
  /** `1 of 2 (sre-lead, release-manager)`: counted, required, the roles that may approve. */
  summary: string;
}

/** Whether an approval has outlived the TTL: valid for `ttlMs`, expired from then on. */
export function isExpired(approval: Pick<Approval, 'at'>, ttlMs: number, now: Date): boolean {
  return now.getTime() - approval.at.getTime() >= ttlMs;
}

/** Counts the approvals that hold for this plan now. */
export function tally(input: {
  requirements: Pick<Requirements, 'approvals' | 'approvalTtlMs'>;
  approvals: readonly Approval[];
  planHash: string;
  now: Date;
}): Tally {
  const { approvals: rule, approvalTtlMs } = input.requirements;
  const expired: Approval[] = [];
  const stale: Approval[] = [];
  const ignored: Approval[] = [];
  const latest = new Map<string, Approval>();
  for (const approval of input.approvals) {
    if (approval.planHash !== input.planHash) stale.push(approval);
    else if (isExpired(approval, approvalTtlMs, input.now)) expired.push(approval);
    else if (!rule.roles.includes(approval.role)) ignored.push(approval);
    else {
      const seen = latest.get(approval.userId);
      if (seen === undefined) latest.set(approval.userId, approval);
      else if (approval.at.getTime() > seen.at.getTime()) {
        ignored.push(seen);
        latest.set(approval.userId, approval);
      } else ignored.push(approval);
    }
  }
  const valid = [...latest.values()];
  const needed = Math.max(0, rule.count - valid.length);
  const summary =
    rule.count === 0
      ? 'no approval needed'
      : `${valid.length} of ${rule.count} (${rule.roles.join(', ')})`;
  return { satisfied: needed === 0, valid, expired, stale, ignored, needed, summary };
}
