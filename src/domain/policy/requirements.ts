import type { Catalog, CommandSpec, Policy } from '../catalog/schema.ts';
import { parseDuration } from '../commands/value-types.ts';

/** Approval TTL when a policy does not set `approvalTtl`. */
export const DEFAULT_APPROVAL_TTL_MS = 15 * 60_000;

/** What a request for one command in one environment must satisfy before it runs. */
export interface Requirements {
  /** `rollback`, or `drill report` for a subcommand: used in messages. */
  command: string;
  env: string;
  protected: boolean;
  approvals: { count: number; roles: string[] };
  reasonRequired: boolean;
  /** Never true in a protected environment, whatever the spec says. */
  selfApproval: boolean;
  approvalTtlMs: number;
  /**
   * Who may ask: `anyone` or catalog roles. Absent on runs stored before the environment
   * baseline existed; the verb's policy then decides.
   */
  requesters?: 'anyone' | string[];
  /** The shortest reason accepted when one is required (trimmed characters). */
  reasonMinLength?: number;
  /** Where the policy came from, strictest last: `commands/rollback.yml`, `catalog.yml …`. */
  basis?: string[];
}

/** The policy that governs a verb or one of its subcommands (a subcommand may inherit). */
export function policyFor(
  spec: Pick<CommandSpec, 'verb' | 'policy' | 'subcommands'>,
  subcommand?: string,
): { command: string; policy: Policy } {
  if (subcommand === undefined) return { command: spec.verb, policy: spec.policy };
  const sub = spec.subcommands.find((s) => s.name === subcommand);
  if (!sub) throw new Error(`${spec.verb} has no subcommand "${subcommand}"`);
  return { command: `${spec.verb} ${subcommand}`, policy: sub.policy ?? spec.policy };
}

/**
 * The approvals, reason and TTL the VERB's policy asks for (see `effectiveRequirements` for
 * what a run needs: this and the environment's baseline). An environment missing from the
 * catalog is treated as protected (fail closed). A policy without environment rules
 * (read-only verbs) needs no approval; config validation guarantees a policy naming one
 * environment names all.
 */
export function requirementsFor(input: {
  spec: Pick<CommandSpec, 'verb' | 'policy' | 'subcommands'>;
  subcommand?: string;
  env: string;
  catalog: Pick<Catalog, 'environments'>;
}): Requirements {
  const { command, policy } = policyFor(input.spec, input.subcommand);
  const isProtected = input.catalog.environments[input.env]?.protected ?? true;
  const rule = policy.environments[input.env];
  const ttlSeconds = rule?.approvalTtl ? parseDuration(rule.approvalTtl) : undefined;
  return {
    command,
    env: input.env,
    protected: isProtected,
    approvals: {
      count: rule?.approvals.count ?? 0,
      roles: [...(rule?.approvals.roles ?? [])],
    },
    reasonRequired: rule?.reasonRequired ?? false,
    selfApproval: (rule?.selfApproval ?? true) && !isProtected,
    approvalTtlMs: ttlSeconds === undefined ? DEFAULT_APPROVAL_TTL_MS : ttlSeconds * 1000,
    ...(rule?.reasonMinLength ? { reasonMinLength: rule.reasonMinLength } : {}),
  };
}
