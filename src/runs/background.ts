import type { EngineCore } from './engine-core.ts';
import { executeRun } from './execute-run.ts';
import { LostOwnershipError } from './persist-steps.ts';
import type { RunObservers } from './run-observers.ts';

/** Proves this process still owns a run it executes. */
async function heartbeat(core: EngineCore, runId: string): Promise<void> {
  await core.db.query(
    `UPDATE runs SET owner_heartbeat_at = $3
     WHERE id = $1 AND owner_id = $2 AND state IN ('executing', 'reverting')`,
    [runId, core.ownerId, core.clock()],
  );
}

/**
 * Executes (or reverts) a run this engine now owns, in the background, with a heartbeat while
 * it works; idle() waits for it through `observers.track`. Once per run at a time.
 */
export function launchRun(
  core: EngineCore,
  observers: Pick<RunObservers, 'track' | 'forget'>,
  runId: string,
): void {
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
      observers.forget(runId);
    });
  observers.track(work);
}
