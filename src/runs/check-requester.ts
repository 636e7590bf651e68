import type { CommandSpec } from '../config/schema.ts';
import {
  checkReason,
  effectiveRequirements,
  mayRequestUnder,
  type PolicyRule,
  type Requirements,
  RoleLookupError,
} from '../domain/policy/index.ts';
import type { RunTarget } from '../domain/runs/index.ts';
import type { EngineCore } from './engine-core.ts';
import type { EngineRefusal } from './types.ts';

/** A person's roles, and why some could not be looked up (nothing is granted from a failure). */
export async function rolesOf(
  core: EngineCore,
  userId: string,
): Promise<{ roles: Set<string>; lookupError?: string }> {
  try {
    return { roles: await core.roles.rolesOf(userId) };
  } catch (error) {
    if (error instanceof RoleLookupError) return { roles: error.known, lookupError: error.message };
    throw error;
  }
}

export type RequesterCheck =
  | { ok: true; requirements: Requirements; roles: Set<string> }
  | { ok: false; code: EngineRefusal; message: string };

/** What shapes a run's policy besides its verb and target: its steps and its origin. */
export interface PolicyScope {
  /** The actions of the run's steps (per-action baselines). */
  actions?: readonly string[];
  /** Stricter rules from where the run came from (a playbook, a freeze override). */
  tighten?: readonly { rule: PolicyRule; source: string }[];
}

/**
 * THE policy decision of a run: the strictest of the verb's policy, the environment's
 * baseline and the run's origin (see effectiveRequirements). Every run goes through here,
 * whatever created it.
 */
export function runRequirements(
  core: EngineCore,
  spec: CommandSpec,
  target: RunTarget,
  scope: PolicyScope = {},
): Requirements {
  return effectiveRequirements({
    spec,
    env: target.env,
    catalog: core.catalog,
    commands: core.commands.values(),
    ...(scope.actions ? { actions: scope.actions } : {}),
    ...(scope.tighten ? { tighten: scope.tighten } : {}),
  });
}

/**
 * Whether `userId` may ask for `spec.verb` on `target` (their roles against the effective
 * policy) with this reason, and what the run will then need. Used by request and revert.
 */
export async function checkRequester(
  core: EngineCore,
  spec: CommandSpec,
  target: RunTarget,
  userId: string,
  reason: string | undefined,
  scope: PolicyScope = {},
  typed?: string,
): Promise<RequesterCheck> {
  const requirements = runRequirements(core, spec, target, scope);
  const { roles, lookupError } = await rolesOf(core, userId);
  const allowed = mayRequestUnder(requirements, roles);
  if (!allowed.ok) {
    return { ok: false, code: 'not_allowed', message: lookupError ?? allowed.message };
  }
  const reasonCheck = checkReason({ requirements, reason, ...(typed ? { typed } : {}) });
  if (!reasonCheck.ok) return { ok: false, code: 'reason_required', message: reasonCheck.message };
  return { ok: true, requirements, roles };
}
