import type { CommandSpec } from '../config/schema.ts';
import {
  checkReason,
  mayRequest,
  type Requirements,
  RoleLookupError,
  requirementsFor,
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

/**
 * Whether `userId` may ask for `spec.verb` on `target` (their roles against the policy) with
 * this reason, and what the run will then need. Used by request, revert, resume.
 */
export async function checkRequester(
  core: EngineCore,
  spec: CommandSpec,
  target: RunTarget,
  userId: string,
  reason: string | undefined,
): Promise<RequesterCheck> {
  const { roles, lookupError } = await rolesOf(core, userId);
  const allowed = mayRequest({ spec, env: target.env, roles });
  if (!allowed.ok) {
    return { ok: false, code: 'not_allowed', message: lookupError ?? allowed.message };
  }
  const requirements = requirementsFor({ spec, env: target.env, catalog: core.catalog });
  const reasonCheck = checkReason({ requirements, reason });
  if (!reasonCheck.ok) return { ok: false, code: 'reason_required', message: reasonCheck.message };
  return { ok: true, requirements, roles };
}
