import type { WindowProgress } from './run-verification.ts';

/** A verification window in progress as the run's checkpoint stores it (JSON). */
interface StoredWindow {
  window: 'slo';
  kind: 'deploy' | 'rollback';
  progress: WindowProgress;
}

/** The checkpoint of a window in progress, for ctx.saveCheckpoint. */
export function windowCheckpoint(kind: 'deploy' | 'rollback', progress: WindowProgress): unknown {
  return { window: 'slo', kind, progress } satisfies StoredWindow;
}

/**
 * The window an earlier owner left (its dates revived from JSON), or undefined when the
 * checkpoint is absent or is not a window of this kind.
 */
export function carriedWindow(
  checkpoint: unknown,
  kind: 'deploy' | 'rollback',
): WindowProgress | undefined {
  const stored = checkpoint as Partial<StoredWindow> | null | undefined;
  if (stored?.window !== 'slo' || stored.kind !== kind || !stored.progress) return undefined;
  const { state, intervals, startedAt, lastAt } = stored.progress;
  if (!state || !Array.isArray(intervals)) return undefined;
  return {
    state,
    intervals: intervals.map((entry) => ({ ...entry, at: new Date(entry.at) })),
    startedAt: new Date(startedAt),
    lastAt: new Date(lastAt),
  };
}
