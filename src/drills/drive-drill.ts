import { driving } from './drill-driving.ts';
import type { Drill } from './drill-store.ts';
import { escalateRestoreFailure } from './escalate.ts';
import { finishDrill } from './finish-drill.ts';
import { awaitFault, measure } from './measure-fault.ts';
import { restore } from './restore-phase.ts';
import type { DrillDeps } from './types.ts';

/**
 * Retry restore of a drill whose restore failed: its result stays (restore-failed, as the
 * ledger says); a restore that now works is recorded as `drill.restored`.
 */
export async function retryRestore(deps: DrillDeps, drill: Drill, actor: string): Promise<Drill> {
  const d = driving(deps, drill);
  await d.note(`restore retried by ${actor}`);
  const restored = await restore(d);
  if (!restored.restored) {
    await d.save({ state: 'restore_failed', progress: { problem: restored.detail } });
    await escalateRestoreFailure(deps, d.drill, restored.detail);
    return d.drill;
  }
  await d.save({
    state: 'finished',
    progress: { problem: undefined, restoredBy: actor, restoredAt: deps.clock().toISOString() },
  });
  await deps.ledger.append({
    actor,
    kind: 'drill.restored',
    subject: `drill:${drill.service}:${drill.env}`,
    data: { drill: drill.id, scenario: drill.scenario, restore: restored.detail },
  });
  await deps.announcer.say(d.drill, { kind: 'restored', detail: restored.detail });
  return d.drill;
}

/**
 * Drives one drill from wherever it stands to its end: waits for the fault run, measures,
 * restores (at recovery, the deadline, or Abort, whichever comes first), then records the
 * result. Every step is saved first, so a restart can pick the drill up where it was.
 */
export async function driveDrill(deps: DrillDeps, drill: Drill): Promise<Drill> {
  const d = driving(deps, drill);
  if (d.drill.state === 'awaiting_run') {
    const injected = await awaitFault(d);
    if (!injected) return d.drill;
  }
  let abortedBy = d.drill.abortRequestedBy;
  let problem = d.drill.progress.problem;
  if (d.drill.state === 'measuring') {
    const measured = await measure(d);
    abortedBy ??= measured.abortedBy;
    problem ??= measured.problem;
  }
  if (d.drill.state !== 'measuring' && d.drill.state !== 'restoring') return d.drill;
  const restored = await restore(d);
  if (!restored.restored) await d.save({ progress: { problem: restored.detail } });
  const finished = await finishDrill(deps, d.drill, {
    restored: restored.restored,
    abortedBy: abortedBy ?? (await d.aborted()),
    problem: restored.restored ? problem : restored.detail,
    restoreDetail: restored.detail,
  });
  await deps.announcer.changed(finished);
  if (!restored.restored) await escalateRestoreFailure(deps, finished, restored.detail);
  return finished;
}
