import type { Requirements } from './requirements.ts';

/** One source's say on a run's policy; every field present can only make it stricter. */
export interface PolicyRule {
  requesters?: 'anyone' | string[];
  approvals?: { count: number; roles: string[] };
  selfApproval?: boolean;
  reasonRequired?: boolean;
  reasonMinLength?: number;
  approvalTtlMs?: number;
}

function intersect(a: readonly string[], b: readonly string[]): string[] {
  return a.filter((x) => b.includes(x));
}

function requesters(
  a: Requirements['requesters'],
  b: PolicyRule['requesters'],
): Requirements['requesters'] {
  if (b === undefined || b === 'anyone') return a;
  if (a === undefined || a === 'anyone') return [...b];
  return intersect(a, b);
}

/**
 * `base` made as strict as `rule` as well: requesters and approver roles are intersected
 * (someone must be allowed by both), the approval count, reason length and requirement take
 * the larger, self-approval and the approval TTL the smaller. Nothing in `rule` can loosen
 * `base`, which is what lets a catalog baseline or a playbook only ever tighten a verb.
 */
export function strictest(base: Requirements, rule: PolicyRule, source: string): Requirements {
  const out: Requirements = {
    ...base,
    approvals: { count: base.approvals.count, roles: [...base.approvals.roles] },
    basis: [...(base.basis ?? []), source],
  };
  const who = requesters(base.requesters, rule.requesters);
  if (who !== undefined) out.requesters = who;
  const wanted = rule.approvals;
  if (wanted && wanted.count > 0) {
    out.approvals = {
      count: Math.max(base.approvals.count, wanted.count),
      roles:
        base.approvals.count > 0
          ? intersect(base.approvals.roles, wanted.roles)
          : [...wanted.roles],
    };
  }
  if (rule.selfApproval === false) out.selfApproval = false;
  if (rule.reasonRequired) out.reasonRequired = true;
  if (rule.reasonMinLength !== undefined) {
    out.reasonMinLength = Math.max(base.reasonMinLength ?? 1, rule.reasonMinLength);
  }
  if (rule.approvalTtlMs !== undefined) {
    out.approvalTtlMs = Math.min(base.approvalTtlMs, rule.approvalTtlMs);
  }
  return out;
}
