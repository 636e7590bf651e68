import type { ActionContext } from '../actions/types.ts';
import type { Run, RunStep } from '../domain/runs/index.ts';
import type { AfterStepsOutcome } from './after-steps-hook.ts';
import { ENGINE_ACTOR, type EngineCore, errorMessage, toJson } from './engine-core.ts';
import { moveOwned } from './persist-steps.ts';
import { revertSteps } from './revert-steps.ts';
import { readCheckpoint, saveCheckpoint } from './run-checkpoint.ts';

/**
 * Ends a run whose steps all succeeded: without a hook it succeeds; with one, as the hook
 * decides. A hook that throws never promotes: the run fails with the error, Revert offered.
 */
export async function finishSteps(
  core: EngineCore,
  ctx: ActionContext,
  run: Run,
  steps: RunStep[],
): Promise<void> {
  const runId = run.id;
  const hook = core.afterSteps;
  if (!hook) {
    await moveOwned(core, runId, { from: 'executing', to: 'succeeded' }, { steps });
    return;
  }
  let outcome: AfterStepsOutcome;
  try {
    outcome = await hook.run({
      run: { ...run, steps },
      actionContext: ctx,
      progress: (line) => core.notifyProgress(runId, line),
      checkpoint: await readCheckpoint(core.db, runId),
      saveCheckpoint: (data) => saveCheckpoint(core, runId, data),
      changed: () => core.notify(runId),
      async record(kind, data, actor = ENGINE_ACTOR) {
        const entry = {
          actor,
          kind,
          subject: `run:${runId}`,
          data: toJson({ run: runId, ...data }),
        };
        await core.ledger.append(entry);
      },
    });
  } catch (error) {
    core.log.error({ err: error, run: runId }, 'the after-steps hook failed; not promoting');
    outcome = { kind: 'failed', reason: `Checking the result failed: ${errorMessage(error)}` };
  }
  const verification = outcome.verification ? { verification: outcome.verification } : {};
  if (outcome.kind === 'succeeded') {
    await moveOwned(
      core,
      runId,
      { from: 'executing', to: 'succeeded' },
      { steps, ...verification },
    );
  } else if (outcome.kind === 'failed') {
    await moveOwned(
      core,
      runId,
      { from: 'executing', to: 'failed' },
      { steps, error: outcome.reason, ...verification },
    );
  } else {
    await moveOwned(
      core,
      runId,
      { from: 'executing', to: 'reverting' },
      { steps, error: outcome.reason, ...verification },
    );
    await revertSteps(core, ctx, runId, steps);
  }
  try {
    await outcome.settled?.(await core.view(runId));
  } catch (error) {
    core.log.error({ err: error, run: runId }, 'recording how the run settled failed');
  }
}
