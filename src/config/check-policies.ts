import { asArray, asRecord, asString } from '../domain/commands/loose.ts';
import { orList } from '../domain/policy/format.ts';
import { effectiveRequirements } from '../domain/policy/index.ts';
import type { ConfigError } from './config-error.ts';
import { type Catalog, type CommandSpec, unknownName } from './schema.ts';

/** A playbook file as loaded: its path, raw data and where each path sits. */
interface PlaybookSource {
  file: string;
  data: unknown;
  lineOf: (path: PropertyKey[]) => number | undefined;
}

/**
 * Policy checks that need every file at once: each verb keeps someone who may ask and
 * someone who may approve once the environment's baseline narrows it; a baseline names only
 * known actions; a freeze can still be overridden by someone the policy lets approve; and a
 * triage playbook's `approval` override only tightens (a looser one is an error, not ignored).
 */
export function checkPolicies(input: {
  catalog: Catalog;
  commands: ReadonlyMap<string, CommandSpec>;
  playbooks: readonly PlaybookSource[];
  actionNames: readonly string[];
}): ConfigError[] {
  const { catalog, commands } = input;
  const errors: ConfigError[] = [];
  const all = [...commands.values()];
  for (const [env, environment] of Object.entries(catalog.environments)) {
    for (const action of Object.keys(environment.policy?.actions ?? {})) {
      if (!input.actionNames.includes(action)) {
        errors.push({
          file: 'catalog.yml',
          path: `environments.${env}.policy.actions.${action}`,
          message: unknownName('action', action, [...input.actionNames]),
        });
      }
    }
    for (const spec of all) {
      const r = effectiveRequirements({ spec, env, catalog, commands: all });
      const at = { file: `commands/${spec.verb}.yml`, path: 'policy.requesters' };
      if (Array.isArray(r.requesters) && r.requesters.length === 0) {
        errors.push({
          ...at,
          message: `nobody may run /mc ${spec.verb} in ${env}: it shares no role with catalog.yml environments.${env}.policy.requesters`,
        });
      }
      // Read-only verbs (help) under the safe default are not worth a word: only verbs that
      // ask for approvals themselves, or environments that declare a baseline, are checked.
      const declared = Object.keys(spec.policy.environments).length > 0 || environment.policy;
      if (declared && r.approvals.count > 0 && r.approvals.roles.length === 0) {
        errors.push({
          ...at,
          path: `policy.environments.${env}.approvals.roles`,
          message: `nobody may approve /mc ${spec.verb} in ${env}: its approvers share no role with the environment's baseline (${r.basis?.slice(1).join(', ')})`,
        });
      }
    }
    const deploy = commands.get('deploy');
    const overrides = environment.freezeOverrideRoles;
    if (deploy && overrides && overrides.length > 0 && environment.protected) {
      const r = effectiveRequirements({ spec: deploy, env, catalog, commands: all });
      if (r.approvals.count > 0 && !overrides.some((role) => r.approvals.roles.includes(role))) {
        errors.push({
          file: 'catalog.yml',
          path: `environments.${env}.freezeOverrideRoles`,
          message: `none of ${orList(overrides)} may approve /mc deploy in ${env} (${orList(r.approvals.roles)} may), so no freeze override could ever be approved`,
        });
      }
    }
  }
  const triage = commands.get('triage');
  if (triage) {
    for (const source of input.playbooks) errors.push(...checkOverride(source, triage, input));
  }
  return errors;
}

/** A triage playbook's `approval` override against the effective policy, per environment. */
function checkOverride(
  source: PlaybookSource,
  triage: CommandSpec,
  input: { catalog: Catalog; commands: ReadonlyMap<string, CommandSpec> },
): ConfigError[] {
  const raw = asRecord(source.data);
  if (raw.kind !== 'triage') return [];
  const actions = asArray(raw.steps)
    .map((s) => asString(asRecord(s).action))
    .filter((a): a is string => a !== undefined);
  const errors: ConfigError[] = [];
  const push = (path: (string | number)[], message: string) => {
    const line = source.lineOf(path);
    errors.push({ file: source.file, path: path.join('.'), message, ...(line ? { line } : {}) });
  };
  for (const [env, value] of Object.entries(asRecord(raw.approval))) {
    if (!Object.hasOwn(input.catalog.environments, env)) continue;
    const override = asRecord(value);
    const r = effectiveRequirements({
      spec: triage,
      env,
      catalog: input.catalog,
      commands: [...input.commands.values()],
      actions,
    });
    const where = `/mc triage runs in ${env} (${r.basis?.join(', ')})`;
    if (typeof override.count === 'number' && override.count < r.approvals.count) {
      push(
        ['approval', env, 'count'],
        `${override.count} is looser than the ${r.approvals.count} approval(s) ${where} need; a playbook may only tighten the policy`,
      );
    }
    if (r.approvals.count === 0) continue;
    asArray(override.roles).forEach((role, i) => {
      if (typeof role === 'string' && !r.approvals.roles.includes(role)) {
        push(
          ['approval', env, 'roles', i],
          `${role} may not approve ${where}: only ${orList(r.approvals.roles)}; a playbook may only narrow who approves`,
        );
      }
    });
  }
  return errors;
}
