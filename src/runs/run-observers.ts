import type { Logger } from '../telemetry/logger.ts';
import type { RunObserver, RunView } from './types.ts';

/** Who is told about runs, and the background work the engine waits for in idle(). */
export interface RunObservers {
  /** Adds an observer (after the engine is built); returns how to remove it. */
  subscribe(observer: RunObserver): () => void;
  /** Tells every observer the run's current view (after commit, never inside a transaction). */
  notify(runId: string): void;
  /** Rate-limited notify for a progress line. */
  notifyProgress(runId: string, line: string): void;
  /** A line about the run for its thread (a canary step as it is reached). */
  note(runId: string, line: string): void;
  /** Background work idle() waits for. */
  track(work: Promise<unknown>): void;
  /** Drops a finished run's progress bookkeeping. */
  forget(runId: string): void;
  idle(): Promise<void>;
}

export interface RunObserversOptions {
  view(runId: string): Promise<RunView | undefined>;
  /** Latest progress line per run; the view reads it. */
  progress: Map<string, string>;
  progressIntervalMs: number;
  log: Pick<Logger, 'error'>;
}

/**
 * The engine's observers. Calls for one run go out in order, one at a time, each observer in
 * the order it subscribed; a failing observer is logged and never stops a run or the others.
 * Progress lines reach the observers at most once per `progressIntervalMs` per run.
 */
export function createRunObservers(options: RunObserversOptions): RunObservers {
  const observers: RunObserver[] = [];
  const pending = new Set<Promise<unknown>>();
  const chains = new Map<string, Promise<void>>();
  const lastProgress = new Map<string, number>();

  function track(work: Promise<unknown>): void {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  }

  async function tell(runId: string, view: RunView): Promise<void> {
    for (const observer of [...observers]) {
      try {
        await observer.changed(view);
      } catch (error) {
        options.log.error({ err: error, run: runId }, 'a run observer failed; the run goes on');
      }
    }
  }

  function enqueue(runId: string, work: () => Promise<void>): void {
    const previous = chains.get(runId) ?? Promise.resolve();
    const next = previous.then(work).catch((error: unknown) => {
      options.log.error({ err: error, run: runId }, 'telling the run observers failed');
    });
    chains.set(runId, next);
    void next.finally(() => {
      if (chains.get(runId) === next) chains.delete(runId);
    });
    track(next);
  }

  function notify(runId: string): void {
    if (observers.length === 0) return;
    enqueue(runId, async () => {
      const view = await options.view(runId);
      if (view) await tell(runId, view);
    });
  }

  function notifyProgress(runId: string, line: string): void {
    options.progress.set(runId, line);
    const now = performance.now();
    const last = lastProgress.get(runId);
    if (last !== undefined && now - last < options.progressIntervalMs) return;
    lastProgress.set(runId, now);
    notify(runId);
  }

  function note(runId: string, line: string): void {
    for (const observer of observers) {
      try {
        observer.note?.(runId, line);
      } catch (error) {
        options.log.error({ err: error, run: runId }, 'a run observer failed on a note');
      }
    }
  }

  async function idle(): Promise<void> {
    for (let round = 0; round < 1_000 && pending.size > 0; round++) {
      await Promise.allSettled([...pending]);
    }
  }

  return {
    subscribe(observer) {
      observers.push(observer);
      return () => {
        const at = observers.indexOf(observer);
        if (at >= 0) observers.splice(at, 1);
      };
    },
    notify,
    notifyProgress,
    note,
    track,
    forget(runId) {
      options.progress.delete(runId);
      lastProgress.delete(runId);
    },
    idle,
  };
}
