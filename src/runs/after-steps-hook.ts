import type { ActionContext } from '../actions/types.ts';
import type { Run } from '../domain/runs/index.ts';
import type { RunPause, RunView } from './types.ts';
import type { VerificationSummary } from './verification-summary.ts';

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
  /** What an earlier owner saved with saveCheckpoint before it died; undefined: a fresh start. */
  checkpoint?: unknown;
  /**
   * Saves where the hook stands (JSON; null: nothing in progress), so a bot taking the run
   * over continues from there. Throws LostOwnershipError once another bot owns the run.
   */
  saveCheckpoint?(data: unknown): Promise<void>;
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
) & {
  settled?: (view: RunView | undefined) => Promise<void>;
  /** What was verified, kept with the run for its card and its evidence. */
  verification?: VerificationSummary;
};

/** What happens between "all steps succeeded" and `succeeded` (a verification window...). */
export interface AfterSteps {
  run(ctx: AfterStepsContext): Promise<AfterStepsOutcome>;
  /** The pause a run is in right now, if any. */
  pausedFor?(runId: string): RunPause | undefined;
}
