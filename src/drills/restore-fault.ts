import { setTimeout as delay } from 'node:timers/promises';
import { restoreSteps } from '../domain/drills/restore-steps.ts';
import type { RunState } from '../domain/runs/index.ts';
import type { RunView } from '../runs/types.ts';
import type { Drill } from './drill-store.ts';
import type { DrillDeps } from './types.ts';

/** Run states in which the engine is still working on the run. */
const BUSY: ReadonlySet<RunState> = new Set(['approved', 'executing', 'reverting']);

export type RestoreOutcome =
  | { ok: true; run?: RunView; detail: string }
  | { ok: false; message: string; run?: RunView };

/** Waits (polling the engine) until the run is no longer being worked on. */
export async function settledRun(
  deps: DrillDeps,
  runId: string,
  onTick?: () => Promise<void>,
): Promise<RunView | undefined> {
  for (;;) {
    const view = await deps.engine.get(runId);
    if (!view || !BUSY.has(view.run.state)) return view;
    await onTick?.();
    await delay(deps.sampleMs ?? 250, undefined, deps.signal ? { signal: deps.signal } : {});
  }
}

/**
 * Puts back what the drill's fault run changed, through the run engine: a restore run whose
 * steps undo each fault step with the state it captured. The drill's own approval covers it
 * (the engine verifies the steps are that restore), so it needs no new approval and the
 * runner confirms it for the requester (a restore must never wait for a person). An interrupted fault run is reverted in place by the engine.
 * `onStarted` is told the restore run as soon as it executes; `onTick` between polls.
 */
export async function restoreFault(
  deps: DrillDeps,
  drill: Drill,
  hooks: { onStarted?(runId: string): Promise<void>; onTick?(): Promise<void> } = {},
): Promise<RestoreOutcome> {
  const actor = { id: drill.requester };
  const fault = await settledRun(deps, drill.faultRun, hooks.onTick);
  if (!fault) return { ok: false, message: `fault run ${drill.faultRun} is not in the store` };
  const state = fault.run.state;
  if (state === 'planned' || state === 'awaiting_approval') {
    await deps.engine.cancel(drill.faultRun, actor);
    return { ok: true, detail: 'the fault was never injected; its run is cancelled' };
  }
  if (state === 'interrupted') {
    const reverted = await deps.engine.revert(drill.faultRun, actor);
    if (!reverted.ok) return { ok: false, message: reverted.message };
    const after = await settledRun(deps, drill.faultRun, hooks.onTick);
    return after?.run.state === 'reverted'
      ? { ok: true, run: after, detail: `fault run ${drill.faultRun} reverted in place` }
      : {
          ok: false,
          message: `reverting fault run ${drill.faultRun} ended ${after?.run.state}: ${after?.run.error ?? ''}`,
        };
  }
  if (state !== 'succeeded') {
    const stuck = fault.run.steps.some((s) => s.state === 'revert_failed');
    return stuck
      ? {
          ok: false,
          message: `fault run ${drill.faultRun} could not undo its steps: ${fault.run.error ?? ''}`,
        }
      : {
          ok: true,
          detail: `fault run ${drill.faultRun} ended ${state}; the engine undid what it changed`,
        };
  }
  const steps = restoreSteps(fault.run.steps);
  if (!steps.ok) return { ok: false, message: steps.message };
  if (steps.steps.length === 0) return { ok: true, detail: 'nothing to put back' };
  const requested = await deps.engine.request({
    verb: 'drill',
    target: drill.plan.faultTarget,
    requester: actor,
    reason: `Restore after drill ${drill.id} (${drill.scenario})`,
    steps: steps.steps,
    ...(drill.message ? { channel: drill.message.channel } : {}),
    revertOf: drill.faultRun,
    // The engine checks these steps restore exactly what the fault run changed; then the
    // drill's approval covers them.
    coveredBy: drill.faultRun,
  });
  if (!requested.ok) {
    // Every step already in its old state: someone (or an earlier attempt) restored it.
    if (requested.code === 'plan_failed' && requested.message.startsWith('Nothing to change')) {
      return { ok: true, detail: `already restored (${requested.message})` };
    }
    return { ok: false, message: requested.message };
  }
  const run = requested.view.run;
  const confirmed = await deps.engine.confirm(run.id, actor, run.planHash);
  if (!confirmed.ok) return { ok: false, message: confirmed.message, run: requested.view };
  await hooks.onStarted?.(run.id);
  const done = await settledRun(deps, run.id, hooks.onTick);
  if (done?.run.state === 'succeeded') {
    return { ok: true, run: done, detail: `restore run ${run.id} succeeded` };
  }
  return {
    ok: false,
    message: `restore run ${run.id} ended ${done?.run.state ?? 'missing'}: ${done?.run.error ?? 'no error recorded'}`,
    ...(done ? { run: done } : {}),
  };
}
