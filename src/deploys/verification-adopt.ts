import type { RunEngine, RunObserver, RunView } from '../runs/types.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { PauseStore } from './verification-pauses.ts';

export interface AdoptOptions {
  pauses: Pick<PauseStore, 'read'>;
  engine: Pick<RunEngine, 'resume'>;
  log: Pick<Logger, 'info' | 'warn'>;
}

/**
 * A run paused for a verification decision when its process died becomes `interrupted` on
 * restart. This takes it over on its requester's behalf (engine.resume), so its window pauses
 * again with Continue / Roll back (or acts on a decision stored meanwhile) instead of asking
 * Resume / Revert: the requester's pending question stays the one they are asked.
 */
export function pausedRunAdopter(options: AdoptOptions): RunObserver {
  async function adopt(view: RunView): Promise<void> {
    const { run } = view;
    const pause = await options.pauses.read(run.id);
    if (!pause) return;
    const resumed = await options.engine.resume(run.id, { id: run.requester });
    if (resumed.ok) options.log.info({ run: run.id }, 'resumed a run paused for verification');
    else options.log.warn({ run: run.id, code: resumed.code }, 'could not resume a paused run');
  }
  return {
    async changed(view) {
      if (view.run.state !== 'interrupted') return;
      // Not awaited: resuming notifies the observers again, for the same run.
      setImmediate(() => {
        adopt(view).catch((error: unknown) =>
          options.log.warn({ err: error, run: view.run.id }, 'adopting a paused run failed'),
        );
      });
    },
  };
}
