import type { ActionContext, Json } from '../actions/types.ts';
import { type RunStep, revertOrder } from '../domain/runs/index.ts';
import { type EngineCore, errorMessage } from './engine-core.ts';
import { moveOwned, saveSteps } from './persist-steps.ts';
import { intentOf, reconcileStep } from './reconcile-steps.ts';
import { readRun } from './run-store.ts';
import { parsedParams, sentences } from './step-params.ts';

/**
 * The state to restore for a step. A step cut off before its `before` was saved is reconciled
 * first: never applied leaves nothing to undo (undefined), applied restores its intent's
 * `before`, and a target someone else changed meanwhile is not overwritten (throws).
 */
async function restorable(
  core: EngineCore,
  ctx: ActionContext,
  step: RunStep,
): Promise<Json | undefined> {
  if (step.before !== undefined) return step.before as Json;
  const intent = intentOf(step);
  if (!intent) return null;
  const r = await reconcileStep(core, ctx, step, intent);
  if (r.state === 'not_applied') return undefined;
  if (r.state === 'drifted')
    throw new Error(`${r.detail}: changed by someone else, not reverting over it`);
  step.before = r.applied?.before ?? intent.before;
  step.after = r.applied?.after ?? intent.after;
  return step.before as Json;
}

/**
 * Reverts, last first, the steps of a `reverting` run this engine owns that changed the
 * target (up to `failedIndex`, or all of them). Ends `reverted`, or `failed` with both the
 * original error and every revert error recorded and an error log line that pages a person.
 */
export async function revertSteps(
  core: EngineCore,
  ctx: ActionContext,
  runId: string,
  steps: RunStep[],
  failedIndex?: number,
): Promise<void> {
  const plan = revertOrder(steps, failedIndex);
  const problems: string[] = [];
  for (const index of plan.revert) {
    const step = steps[index];
    if (!step) continue;
    try {
      const before = await restorable(core, ctx, step);
      if (before !== undefined) {
        const action = core.actions.get(step.action);
        await action.revert(ctx, parsedParams(core, step), before);
      }
      step.state = 'reverted';
    } catch (error) {
      const message = errorMessage(error);
      step.state = 'revert_failed';
      step.error = step.error
        ? `${step.error}; revert failed: ${message}`
        : `revert failed: ${message}`;
      problems.push(`Reverting step ${index + 1} (${step.action}) also failed: ${message}`);
    }
    step.finishedAt = core.clock();
    const entry = { index, action: step.action, state: step.state, error: step.error ?? null };
    await saveSteps(core, runId, 'reverting', steps, entry);
    core.notify(runId);
  }
  const current = await readRun(core.db, runId);
  const earlier = current?.run.error;
  const notes = plan.irreversible.map((i) => i.message);
  if (problems.length > 0) {
    const target = current
      ? `${current.run.target.service}/${current.run.target.env}`
      : 'the target';
    const error = sentences([
      earlier,
      ...problems,
      `${target} may be left half-changed: a person must check it now, then click Revert to retry.`,
    ]);
    core.log.error(
      { run: runId, problems },
      `run ${runId}: REVERT FAILED, ${target} needs a person`,
    );
    await moveOwned(
      core,
      runId,
      { from: 'reverting', to: 'failed' },
      { steps, error },
      { alert: true },
    );
    return;
  }
  const error = sentences([earlier, ...notes]);
  await moveOwned(
    core,
    runId,
    { from: 'reverting', to: 'reverted' },
    { steps, ...(error ? { error } : {}) },
  );
}
