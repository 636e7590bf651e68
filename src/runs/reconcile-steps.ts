import type { ActionContext, Intent, Json, Reconciled } from '../actions/types.ts';
import { jsonEqual } from '../adapters/kubernetes/json.ts';
import type { Run, RunStep } from '../domain/runs/index.ts';
import { type EngineCore, errorMessage } from './engine-core.ts';
import { parsedParams, stepName } from './step-params.ts';

/** A step's stored intent, when it has one (runs planned before intents were stored have none). */
export function intentOf(step: RunStep): Intent | undefined {
  return step.intent
    ? { before: step.intent.before as Json, after: step.intent.after as Json }
    : undefined;
}

/** Reads the live state against a step's intent; a failed read is reported as such. */
export async function reconcileStep(
  core: EngineCore,
  ctx: ActionContext,
  step: RunStep,
  intent: Intent,
): Promise<Reconciled> {
  try {
    return await core.actions.get(step.action).reconcile(ctx, parsedParams(core, step), intent);
  } catch (error) {
    return { state: 'drifted', detail: `the live state could not be read: ${errorMessage(error)}` };
  }
}

/**
 * Before an approved run changes anything: every step's target must still be as planned.
 * A step already at its target counts as a change too, unless its plan was a no-op. Returns
 * one line per step that no longer matches (empty: go ahead).
 */
export async function changesSincePlan(
  core: EngineCore,
  ctx: ActionContext,
  steps: readonly RunStep[],
): Promise<string[]> {
  const changes: string[] = [];
  for (const step of steps) {
    const intent = intentOf(step);
    if (!intent) continue;
    const r = await reconcileStep(core, ctx, step, intent);
    const noop = jsonEqual(intent.before, intent.after);
    if (r.state === 'drifted' || (r.state === 'applied' && !noop)) {
      const already = r.state === 'applied' ? ' (already done by someone else)' : '';
      changes.push(`${stepName(step.index, step.action)}: ${r.detail}${already}`);
    }
  }
  return changes;
}

/** The refusal text for a run whose target changed between plan and execution. */
export function driftMessage(run: Run, changes: readonly string[]): string {
  const again = `/mc ${run.verb} ${run.target.service} --env ${run.target.env}`;
  return [
    `Stopped before any change: ${run.target.service}/${run.target.env} changed since run ${run.id} was planned and approved.`,
    ...changes.map((c) => `• ${c}`),
    `Nothing was changed. Plan again with \`${again}\`; the new plan needs new approvals.`,
  ].join('\n');
}
