import { describeSeconds } from './describe-seconds.ts';
import type { DrillLeg, DrillOutcome } from './drill-result.ts';

export interface DrillVerdictInput {
  rtoSeconds: number;
  /** Fault (or restore, for held faults) → recovered; null when never observed. */
  recoverySeconds: number | null;
  legs: DrillLeg[];
  /** Everything the fault changed is back (or there was nothing to put back). */
  restored: boolean;
  /** Someone clicked Abort (or a restart found the drill past its deadline). */
  abortedBy?: string | undefined;
  /** Why the fault could not be injected or measured, when it could not. */
  problem?: string | undefined;
}

/**
 * How a drill ended: a restore that failed outranks everything (the system is still
 * faulted), then an abort, then recovery against the RTO, each leg included.
 */
export function judgeDrill(input: DrillVerdictInput): { outcome: DrillOutcome; note: string } {
  const rto = describeSeconds(input.rtoSeconds);
  if (!input.restored) {
    return {
      outcome: 'restore-failed',
      note: 'The restore failed: the fault may still be in place.',
    };
  }
  if (input.abortedBy)
    return { outcome: 'aborted', note: `Aborted by ${input.abortedBy}; restored.` };
  if (input.problem) return { outcome: 'failed', note: input.problem };
  if (input.recoverySeconds === null) {
    return { outcome: 'failed', note: 'Recovery was never observed before the deadline.' };
  }
  const slow = input.legs.filter((leg) => leg.seconds === null || leg.seconds > input.rtoSeconds);
  if (input.recoverySeconds > input.rtoSeconds) {
    return {
      outcome: 'failed',
      note: `Recovered in ${describeSeconds(input.recoverySeconds)}, over the RTO of ${rto}.`,
    };
  }
  if (slow.length > 0) {
    const names = slow.map(
      (l) => `${l.name} (${l.seconds === null ? 'not observed' : describeSeconds(l.seconds)})`,
    );
    return { outcome: 'failed', note: `Over the RTO of ${rto}: ${names.join(', ')}.` };
  }
  return {
    outcome: 'passed',
    note: `Recovered in ${describeSeconds(input.recoverySeconds)}, within the RTO of ${rto}.`,
  };
}
