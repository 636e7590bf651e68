import type { ActionContext } from '../actions/types.ts';
import type { Run, RunStep } from '../domain/runs/index.ts';
import { ENGINE_ACTOR, type EngineCore, errorMessage, toJson } from './engine-core.ts';
import { moveOwned } from './persist-steps.ts';
import { revertSteps } from './revert-steps.ts';
import type { RunView } from './types.ts';

/** What the after-steps hook gets: the run as executed, and ways to speak through the engine. */
export interface AfterStepsContext {
  /** The run with every step succeeded (`before`/`after` filled in). */
  run: Run;
  actionContext: ActionContext;
  /** A progress line for the run's message (rate-limited like verify() progress). */
  progress(line: string): void;
  /** Re-renders the run's message now (a pause began or ended). */
  changed(): void;
  /** Appends a ledger entry about this run (subject `run:<id>`), actor `mc` unless given. */
  record(kind: string, data: Record<string, unknown>, actor?: string): Promise<void>;
}

/**
 * How the run ends once its steps succeeded: promoted, reverted (every step undone, ends
 * `reverted`), or failed (left as it is, for a person). `settled` is told the stored outcome
 * (its evidence link included) once the run has reached it.
 */
export type AfterStepsOutcome = (
  | { kind: 'succeeded' }
  | { kind: 'revert'; reason: string }
  | { kind: 'failed'; reason: string }
) & { settled?: (view: RunView | undefined) => Promise<void> };

/** A pause a person must end (Continue / Roll back), as the run's view shows it. */
export interface RunPause {
  reason: string;
  /** Who decides: the run's requester. */
  decider: string;
  /** `canary`: an Argo canary offering Promote / Abort; default: Continue / Roll back. */
  kind?: 'verification' | 'canary';
}

/** What happens between "all steps succeeded" and `succeeded` (a verification window...). */
export interface AfterSteps {
  run(ctx: AfterStepsContext): Promise<AfterStepsOutcome>;
  /** The pause a run is in right now, if any. */
  pausedFor?(runId: string): RunPause | undefined;
}

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
  if (outcome.kind === 'succeeded') {
    await moveOwned(core, runId, { from: 'executing', to: 'succeeded' }, { steps });
  } else if (outcome.kind === 'failed') {
    await moveOwned(
      core,
      runId,
      { from: 'executing', to: 'failed' },
      { steps, error: outcome.reason },
    );
  } else {
    await moveOwned(
      core,
      runId,
      { from: 'executing', to: 'reverting' },
      { steps, error: outcome.reason },
    );
    await revertSteps(core, ctx, runId, steps);
  }
  try {
    await outcome.settled?.(await core.view(runId));
  } catch (error) {
    core.log.error({ err: error, run: runId }, 'recording how the run settled failed');
  }
}
