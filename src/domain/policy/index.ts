export {
  approverRolesIn,
  baselineRule,
  baselineRules,
  DEFAULT_REASON_MIN_LENGTH,
  effectiveRequirements,
} from './effective-policy.ts';
export type { ApprovalDecision, ApprovalRefusal } from './evaluate-approval.ts';
export { evaluateApproval } from './evaluate-approval.ts';
export type { PolicyCheck } from './may-request.ts';
export { checkReason, mayRequest, mayRequestUnder } from './may-request.ts';
export type { PlanIdentity } from './plan-hash.ts';
export { planHash } from './plan-hash.ts';
export type { Requirements } from './requirements.ts';
export { DEFAULT_APPROVAL_TTL_MS, policyFor, requirementsFor } from './requirements.ts';
export type { RoleDirectory } from './role-directory.ts';
export { createRoleDirectory, DEFAULT_GROUP_TTL_MS, RoleLookupError } from './role-directory.ts';
export { Approval, PlanHash } from './schema.ts';
export type { PolicyRule } from './strictest.ts';
export { strictest } from './strictest.ts';
export type { Tally } from './tally.ts';
export { isExpired, tally } from './tally.ts';
