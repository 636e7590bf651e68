import type { ActionContext, Applied, Json, VerifyResult } from '../actions/types.ts';
import { type RunStep, revertOrder } from '../domain/runs/index.ts';
import { finishSteps } from './after-steps.ts';
import { checkKubeAccess } from './check-kube-access.ts';
import { type EngineCore, errorMessage } from './engine-core.ts';
import { moveOwned, saveSteps } from './persist-steps.ts';
import { changesSincePlan, driftMessage, intentOf, reconcileStep } from './reconcile-steps.ts';
import { revertSteps } from './revert-steps.ts';
import { type Restore, readRun } from './run-store.ts';
import { parsedParams, sentences, stepName } from './step-params.ts';

interface StepRun {
  core: EngineCore;
  ctx: ActionContext;
  runId: string;
  steps: RunStep[];
  total: number;
}

function finishStep(core: EngineCore, step: RunStep, error?: string): void {
  step.state = error === undefined ? 'succeeded' : 'failed';
  step.finishedAt = core.clock();
  if (error !== undefined) step.error = error;
}

/**
 * One forward step: apply its intent, persist before/after at once, then verify. A step an
 * earlier owner left `running` is reconciled first: applied already (verify only), not applied
 * (apply), or changed by someone else (fail, never overwrite). Returns the failure, if any.
 */
async function runStep(s: StepRun, step: RunStep): Promise<string | undefined> {
  const { core, runId, steps } = s;
  const action = core.actions.get(step.action);
  const where = { index: step.index, action: step.action };
  const save = (entry?: Record<string, unknown>) =>
    saveSteps(core, runId, 'executing', steps, entry && { ...where, ...entry });
  const fail = async (error: string) => {
    finishStep(core, step, error);
    await save({ state: 'failed', error });
    core.notify(runId);
    return error;
  };
  let params: unknown;
  try {
    params = parsedParams(core, step);
  } catch (error) {
    return fail(errorMessage(error));
  }
  if (step.before === undefined) {
    const intent = intentOf(step);
    // Cut off by a crash after apply may have reached the API: look before touching anything.
    const r =
      step.state === 'running' && intent
        ? await reconcileStep(core, s.ctx, step, intent)
        : undefined;
    if (r?.state === 'drifted') {
      return fail(`changed by someone else while the run was interrupted: ${r.detail}`);
    }
    let applied: Applied;
    if (r?.state === 'applied' && intent) {
      applied = r.applied ?? { ...intent };
    } else {
      Object.assign(step, { state: 'running', startedAt: core.clock(), error: undefined });
      await save();
      core.notify(runId);
      try {
        applied = await action.apply(s.ctx, params, intent);
      } catch (error) {
        return fail(errorMessage(error));
      }
    }
    step.before = applied.before;
    step.after = applied.after;
    // Before verify: a crash from here on still knows what to restore.
    const found = r?.state === 'applied' ? { found: r.detail } : {};
    await save({ state: 'applied', before: applied.before, after: applied.after, ...found });
  }
  const label = `${stepName(step.index, step.action)} of ${s.total}`;
  let result: VerifyResult;
  try {
    const applied = { before: step.before as Json, after: (step.after ?? null) as Json };
    result = await action.verify(s.ctx, params, applied, {
      ...(core.verifyTimeoutMs === undefined ? {} : { timeoutMs: core.verifyTimeoutMs }),
      onProgress: (detail) => core.notifyProgress(runId, `${label}: ${detail}`),
    });
  } catch (error) {
    result = { ok: false, detail: errorMessage(error) };
  }
  if (!result.ok) return fail(result.detail);
  finishStep(core, step);
  await save({ state: 'succeeded', verify: result.detail });
  core.notify(runId);
  return undefined;
}

/** A step of a revert run: the original action's revert() puts `restore.before` back. */
async function runRestoreStep(
  s: StepRun,
  step: RunStep,
  restore: Restore,
): Promise<string | undefined> {
  const { core, runId, steps } = s;
  const where = {
    index: step.index,
    action: step.action,
    restores: { run: restore.run, step: restore.step },
  };
  Object.assign(step, {
    state: 'running',
    startedAt: core.clock(),
    before: restore.after,
    after: restore.before,
  });
  await saveSteps(core, runId, 'executing', steps);
  core.notify(runId);
  try {
    await core.actions.get(step.action).revert(s.ctx, parsedParams(core, step), restore.before);
    finishStep(core, step);
  } catch (error) {
    finishStep(core, step, errorMessage(error));
  }
  await saveSteps(core, runId, 'executing', steps, {
    ...where,
    state: step.state,
    error: step.error ?? null,
  });
  core.notify(runId);
  return step.state === 'failed' ? step.error : undefined;
}

/** A failed step: undo what ran before it (and itself, if it got as far as apply). */
async function handleFailure(
  s: StepRun,
  failed: RunStep,
  restores: Restore[] | undefined,
  revertOf?: string,
) {
  const { core, runId, steps } = s;
  const failure = `${stepName(failed.index, failed.action)} failed: ${failed.error ?? 'unknown error'}`;
  if (restores) {
    const error = sentences([
      failure,
      `Steps before it stay undone; revert run ${revertOf ?? '?'} again to retry`,
    ]);
    await moveOwned(core, runId, { from: 'executing', to: 'failed' }, { steps, error });
    return;
  }
  const plan = revertOrder(steps, failed.index);
  if (plan.revert.length === 0) {
    const notes = plan.irreversible.map((i) => i.message);
    const error = sentences([failure, ...(notes.length ? notes : ['Nothing was changed'])]);
    await moveOwned(core, runId, { from: 'executing', to: 'failed' }, { steps, error });
    return;
  }
  await moveOwned(core, runId, { from: 'executing', to: 'reverting' }, { steps, error: failure });
  await revertSteps(core, s.ctx, runId, steps, failed.index);
}

/**
 * Executes a run this engine owns: steps in order from the first unfinished one (so a resumed
 * run continues), then `succeeded`; on a failure, reverts as revertOrder says. A run found
 * `reverting` (resumed while reverting) continues its revert.
 */
export async function executeRun(core: EngineCore, runId: string): Promise<void> {
  const stored = await readRun(core.db, runId);
  if (!stored || stored.ownerId !== core.ownerId) return;
  // The identity fixed at request: a Resume or another replica acts as the same person.
  const ctx = core.actionContext({ id: stored.run.requester }, stored.kubeIdentity);
  const steps = stored.run.steps.map((step) => ({ ...step }));
  if (stored.run.state === 'reverting') {
    const failed = steps.find((step) => step.state === 'failed');
    await revertSteps(core, ctx, runId, steps, failed?.index);
    return;
  }
  if (stored.run.state !== 'executing') return;
  const fresh = steps.every((step) => step.state === 'pending' && step.startedAt === undefined);
  if (fresh && stored.kubeIdentity) {
    // Rights can be taken away while a run waits for approval: ask again before any change.
    const kubeIdentity = stored.kubeIdentity;
    const denied = await checkKubeAccess(ctx, core.actions, steps, kubeIdentity).catch(
      (error: unknown) => `Kubernetes could not check access: ${errorMessage(error)}`,
    );
    if (denied) {
      const move = { from: 'executing' as const, to: 'failed' as const };
      await moveOwned(core, runId, move, { steps, error: denied }, { kubeIdentity });
      return;
    }
  }
  if (fresh && !stored.restores) {
    // The approval pinned these intents: if the target moved since, change nothing.
    const changes = await changesSincePlan(core, ctx, steps);
    if (changes.length > 0) {
      const error = driftMessage(stored.run, changes);
      const move = { from: 'executing' as const, to: 'failed' as const };
      await moveOwned(core, runId, move, { steps, error }, { drifted: changes });
      return;
    }
  }
  const s: StepRun = { core, ctx, runId, steps, total: steps.length };
  for (const step of steps) {
    if (step.state === 'succeeded') continue;
    const restore = stored.restores?.[step.index];
    const failure =
      step.state === 'failed'
        ? step.error
        : restore
          ? await runRestoreStep(s, step, restore)
          : await runStep(s, step);
    if (failure !== undefined || step.state === 'failed') {
      await handleFailure(s, step, stored.restores, stored.run.revertOf);
      return;
    }
  }
  await finishSteps(core, ctx, stored.run, steps);
}
