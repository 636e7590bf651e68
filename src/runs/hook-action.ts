import type { ActionRegistry } from '../actions/registry.ts';
import type { ActionContext, VerifyOptions, VerifyResult } from '../actions/types.ts';

/**
 * Applies and verifies one action for an after-steps hook of the engine (an Argo canary's
 * Promote or Abort during a deploy's verification window): actions are applied only from the
 * run engine's folder, whichever capability decides when.
 */
export async function applyHookAction(
  actions: Pick<ActionRegistry, 'get'>,
  ctx: ActionContext,
  name: string,
  params: Record<string, unknown>,
  verify: VerifyOptions,
): Promise<VerifyResult> {
  const action = actions.get(name);
  const parsed = action.params.parse(params);
  const applied = await action.apply(ctx, parsed);
  return action.verify(ctx, parsed, applied, verify);
}
