import type { BaselineRule, Catalog, CommandSpec } from '../catalog/schema.ts';
import { parseDuration } from '../commands/value-types.ts';
import { policyFor, type Requirements, requirementsFor } from './requirements.ts';
import { type PolicyRule, strictest } from './strictest.ts';

/** The shortest reason a protected environment accepts unless its baseline says otherwise. */
export const DEFAULT_REASON_MIN_LENGTH = 10;

/** A baseline rule of catalog.yml as a policy rule (durations in milliseconds). */
export function baselineRule(rule: BaselineRule): PolicyRule {
  const ttl = rule.approvalTtl ? parseDuration(rule.approvalTtl) : undefined;
  return {
    ...(rule.requesters ? { requesters: rule.requesters } : {}),
    ...(rule.approvals ? { approvals: rule.approvals } : {}),
    ...(rule.selfApproval === undefined ? {} : { selfApproval: rule.selfApproval }),
    ...(rule.reasonRequired === undefined ? {} : { reasonRequired: rule.reasonRequired }),
    ...(rule.reasonMinLength === undefined ? {} : { reasonMinLength: rule.reasonMinLength }),
    ...(ttl === undefined ? {} : { approvalTtlMs: ttl * 1000 }),
  };
}

/** Every role that approves some command in `env`: who the safe default lets approve. */
export function approverRolesIn(env: string, commands: Iterable<CommandSpec>): string[] {
  const roles = new Set<string>();
  for (const spec of commands) {
    for (const policy of [spec.policy, ...spec.subcommands.map((s) => s.policy)]) {
      for (const role of policy?.environments[env]?.approvals.roles ?? []) roles.add(role);
    }
  }
  return [...roles].sort();
}

/**
 * The baseline rules of `env` that apply to a run with these actions, each with its source:
 * the environment's `policy` and its per-action rules, or, for a protected environment that
 * declares none (or one missing from the catalog), the safe default.
 */
export function baselineRules(input: {
  env: string;
  catalog: Pick<Catalog, 'environments'>;
  commands: Iterable<CommandSpec>;
  actions?: readonly string[];
}): { rule: PolicyRule; source: string }[] {
  const { env } = input;
  const environment = Object.hasOwn(input.catalog.environments, env)
    ? input.catalog.environments[env]
    : undefined;
  const isProtected = environment?.protected ?? true;
  const policy = environment?.policy;
  const rules: { rule: PolicyRule; source: string }[] = [];
  if (policy) {
    rules.push({ rule: baselineRule(policy), source: `catalog.yml environments.${env}.policy` });
    for (const action of new Set(input.actions ?? [])) {
      const rule = Object.hasOwn(policy.actions, action) ? policy.actions[action] : undefined;
      if (rule) {
        rules.push({
          rule: baselineRule(rule),
          source: `catalog.yml environments.${env}.policy.actions.${action}`,
        });
      }
    }
  } else if (isProtected) {
    rules.push({
      rule: {
        approvals: { count: 1, roles: approverRolesIn(env, input.commands) },
        selfApproval: false,
        reasonRequired: true,
      },
      source: `the default for protected environment ${env}`,
    });
  }
  if (isProtected && policy?.reasonMinLength === undefined) {
    rules.push({
      rule: { reasonMinLength: DEFAULT_REASON_MIN_LENGTH },
      source: `catalog.yml environments.${env} (protected)`,
    });
  }
  return rules;
}

/**
 * What a run of `spec` on `env` needs: the strictest of the verb's policy, the environment's
 * baseline (per action too) and any tighter rules its origin adds (a playbook's override, a
 * freeze override). The run engine calls this for every run, whatever created it.
 */
export function effectiveRequirements(input: {
  spec: Pick<CommandSpec, 'verb' | 'policy' | 'subcommands'>;
  subcommand?: string;
  env: string;
  catalog: Pick<Catalog, 'environments'>;
  commands: Iterable<CommandSpec>;
  actions?: readonly string[];
  tighten?: readonly { rule: PolicyRule; source: string }[];
}): Requirements {
  const { policy } = policyFor(input.spec, input.subcommand);
  let out: Requirements = {
    ...requirementsFor(input),
    requesters: policy.requesters === 'anyone' ? 'anyone' : [...policy.requesters],
    basis: [`commands/${input.spec.verb}.yml`],
  };
  for (const { rule, source } of [...baselineRules(input), ...(input.tighten ?? [])]) {
    out = strictest(out, rule, source);
  }
  if (!out.reasonRequired) delete out.reasonMinLength;
  return out;
}
