import { ActionError } from './action-error.ts';
import type { Action, ActionContext, Applied, Intent, Json, PlannedAction } from './types.ts';

type Common<P> = Omit<Action<P>, 'reversible' | 'irreversible' | 'revert' | 'plan' | 'apply'> & {
  plan(ctx: ActionContext, params: P): Promise<PlannedAction>;
  apply(ctx: ActionContext, params: P, intent: Intent): Promise<Applied>;
};

/** A reversible action brings its revert; an irreversible one says why it has none. */
export type ActionDefinition<P> = Common<P> &
  (
    | { reversible: true; revert(ctx: ActionContext, params: P, before: Json): Promise<void> }
    | { reversible: false; irreversible: string }
  );

const NAME = /^[a-z][a-z0-9]*(\.[a-z][a-z0-9-]*)+$/;

/**
 * Declares an action. An irreversible one gets a revert that refuses, and its plans carry
 * a warning saying why it cannot be undone, so no door forgets to ask for more care.
 */
export function defineAction<P>(definition: ActionDefinition<P>): Action<P> {
  if (!NAME.test(definition.name)) {
    throw new Error(`action name "${definition.name}" must look like k8s.set-image`);
  }
  const apply = async (ctx: ActionContext, params: P, intent?: Intent) =>
    definition.apply(ctx, params, intent ?? (await definition.plan(ctx, params)).intent);
  if (definition.reversible) return Object.freeze({ ...definition, apply });
  const { irreversible, name } = definition;
  return Object.freeze({
    ...definition,
    apply,
    async plan(ctx: ActionContext, params: P) {
      const plan = await definition.plan(ctx, params);
      const warning = `Cannot be undone: ${irreversible}`;
      return { ...plan, warnings: [...(plan.warnings ?? []), warning] };
    },
    async revert() {
      throw new ActionError('not_reversible', `${name} is not reversible: ${irreversible}`);
    },
  });
}
