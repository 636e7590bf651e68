import type { Catalog, CommandSpec } from '../config/schema.ts';
import { orList } from '../domain/policy/format.ts';
import { type RoleDirectory, requirementsFor } from '../domain/policy/index.ts';
import type { Run } from '../domain/runs/index.ts';
import type { CanaryDecision } from './verification-argo.ts';

export interface CanaryPolicyOptions {
  commands: ReadonlyMap<string, CommandSpec>;
  catalog: Pick<Catalog, 'environments'>;
  roles: RoleDirectory;
}

/**
 * Who may Promote or Abort a run's canary, by the verb's policy (commands/deploy.yml) in its
 * environment: Promote widens the change, so it needs what approving the deploy needs (one
 * of the approver roles; the requester only where self-approval is allowed or nobody must
 * approve). Abort narrows it: the requester may always abort, as may any approver.
 */
export function canaryPolicy(options: CanaryPolicyOptions) {
  return async (run: Run, actorId: string, decision: CanaryDecision) => {
    const spec = options.commands.get(run.verb);
    if (!spec) return `/mc ${run.verb} has no policy; nobody may ${decision} its canary.`;
    const r = requirementsFor({ spec, env: run.target.env, catalog: options.catalog });
    const isRequester = actorId === run.requester;
    if (isRequester && (decision === 'abort' || r.approvals.count === 0 || r.selfApproval)) {
      return undefined;
    }
    const held = await options.roles.rolesOf(actorId).catch(() => new Set<string>());
    if (r.approvals.roles.some((role) => held.has(role))) {
      if (isRequester && !r.selfApproval && decision === 'promote') {
        return `You asked for run ${run.id}: in \`${run.target.env}\` someone else (${orList(r.approvals.roles)}) must promote its canary.`;
      }
      return undefined;
    }
    const who =
      r.approvals.roles.length > 0
        ? `<@${run.requester}> or ${orList(r.approvals.roles)}`
        : `<@${run.requester}>`;
    return decision === 'promote' && !(r.approvals.count === 0 || r.selfApproval)
      ? `Promoting run ${run.id}'s canary in \`${run.target.env}\` needs one of ${orList(r.approvals.roles)}.`
      : `Only ${who} may ${decision} run ${run.id}'s canary.`;
  };
}
