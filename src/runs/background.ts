import type { EngineCore } from './engine-core.ts';
import { executeRun } from './execute-run.ts';
import { LostOwnershipError } from './persist-steps.ts';
import type { RunObserver } from './types.ts';

/** The work an engine does after a click was answered: executions, heartbeats, observer calls. */
export interface Background {
  notify(runId: string): void;
  notifyProgress(runId: string, line: string): void;
  launch(runId: string): void;
  idle(): Promise<void>;
}

/** Proves this process still owns a run it executes. */
async function heartbeat(core: EngineCore, runId: string): Promise<void> {
  await core.db.query(
    `UPDATE runs SET owner_heartbeat_at = $3
     WHERE id = $1 AND owner_id = $2 AND state IN ('executing', 'reverting')`,
    [runId, core.ownerId, core.clock()],
  );
}

/**
 * Background work over `core`. Observer calls for one run go out in order, one at a time;
 * a failing observer is logged and never stops a run. Progress lines reach the observer at
 * most once per `progressIntervalMs` per run (the step's end always does).
 */
export function createBackground(core: EngineCore, observer: RunObserver | undefined): Background {
  const pending = new Set<Promise<unknown>>();
  const chains = new Map<string, Promise<void>>();
  const lastProgress = new Map<string, number>();

  function track(work: Promise<unknown>): void {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  }

  function notify(runId: string): void {
    if (!observer) return;
    const previous = chains.get(runId) ?? Promise.resolve();
    const next = previous
      .then(async () => {
        const view = await core.view(runId);
        if (view) await observer.changed(view);
      })
      .catch((error: unknown) => {
        core.log.error({ err: error, run: runId }, 'the run observer failed; the run goes on');
      });
    chains.set(runId, next);
    void next.finally(() => {
      if (chains.get(runId) === next) chains.delete(runId);
    });
    track(next);
  }

  function notifyProgress(runId: string, line: string): void {
    core.progress.set(runId, line);
    const now = performance.now();
    const last = lastProgress.get(runId);
    if (last !== undefined && now - last < core.progressIntervalMs) return;
    lastProgress.set(runId, now);
    notify(runId);
  }

  function launch(runId: string): void {
    if (core.live.has(runId)) return;
    core.live.add(runId);
    const timer = setInterval(() => {
      heartbeat(core, runId).catch((error: unknown) => {
        core.log.warn({ err: error, run: runId }, 'run heartbeat failed');
      });
    }, core.heartbeatMs);
    timer.unref();
    const work = executeRun(core, runId)
      .catch((error: unknown) => {
        if (error instanceof LostOwnershipError) core.log.warn({ run: runId }, error.message);
        else
          core.log.error(
            { err: error, run: runId },
            'run execution stopped by an error; it stays executing until found interrupted',
          );
      })
      .finally(() => {
        clearInterval(timer);
        core.live.delete(runId);
        core.progress.delete(runId);
        lastProgress.delete(runId);
      });
    track(work);
  }

  async function idle(): Promise<void> {
    for (let round = 0; round < 1_000 && pending.size > 0; round++) {
      await Promise.allSettled([...pending]);
    }
  }

  return { notify, notifyProgress, launch, idle };
}
