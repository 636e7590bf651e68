/**
 * The verification window after a deploy or rollback: every interval each SLO check of the
 * service is evaluated; `required` consecutive all-passed intervals promote, one failed check
 * is a breach, one inconclusive check pauses for a person's decision (never a promotion).
 * Pure: the driver (src/deploys/run-verification.ts) evaluates, sleeps and feeds results in.
 */

/** How a check compares its value to the threshold (the catalog's `slo[].comparison`). */
export type SloComparison = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** One SLO check, as the catalog declares it. */
export interface SloCheck {
  name: string;
  query: string;
  comparison: SloComparison;
  threshold: number;
}

/** One check's result in one interval, with the link a person follows to see the graph. */
export interface CheckOutcome extends SloCheck {
  status: 'passed' | 'failed' | 'inconclusive';
  value?: number;
  reason: string;
  graphUrl: string;
}

export type WindowStatus = 'watching' | 'healthy' | 'breached' | 'inconclusive' | 'aborted';

export interface WindowSettings {
  /** Consecutive healthy intervals that promote. Default 3. */
  required: number;
  /** Intervals after which a window that has not promoted stops as inconclusive. */
  maxIntervals: number;
}

/** Where a window stands; `reason` says why, in a sentence a person reads. */
export interface WindowState {
  status: WindowStatus;
  settings: WindowSettings;
  /** Intervals evaluated so far (all of them, healthy or not). */
  intervals: number;
  /** Consecutive all-passed intervals ending with the latest one. */
  streak: number;
  /** The failed check that ended the window. */
  breach?: CheckOutcome;
  /** The inconclusive checks that paused it. */
  unclear?: CheckOutcome[];
  reason: string;
}

/** Defaults from the release gate: 30 s intervals, 3 consecutive healthy ones. */
export const DEFAULT_WINDOW = { intervalMs: 30_000, required: 3, maxIntervals: 10 } as const;

/** Checks the settings and returns a window that has evaluated nothing yet. */
export function startWindow(settings: Partial<WindowSettings> = {}): WindowState {
  const required = settings.required ?? DEFAULT_WINDOW.required;
  const maxIntervals = settings.maxIntervals ?? Math.max(DEFAULT_WINDOW.maxIntervals, required);
  if (!Number.isInteger(required) || required < 1) {
    throw new RangeError(`required healthy intervals must be a whole number >= 1, got ${required}`);
  }
  if (!Number.isInteger(maxIntervals) || maxIntervals < required) {
    throw new RangeError(
      `maxIntervals must be a whole number >= required (${required}), got ${maxIntervals}`,
    );
  }
  return {
    status: 'watching',
    settings: { required, maxIntervals },
    intervals: 0,
    streak: 0,
    reason: `waiting for ${required} consecutive healthy intervals`,
  };
}

/**
 * Feeds one interval's results. A failed check wins over an inconclusive one (a breach is
 * certain, an unknown is not); no checks at all is inconclusive. A finished window stays put.
 */
export function stepWindow(state: WindowState, results: CheckOutcome[]): WindowState {
  if (state.status !== 'watching') return state;
  const { required, maxIntervals } = state.settings;
  const intervals = state.intervals + 1;
  const failed = results.find((r) => r.status === 'failed');
  if (failed) {
    return {
      ...state,
      status: 'breached',
      intervals,
      streak: 0,
      breach: failed,
      reason: `${failed.name} breached its threshold in interval ${intervals}: ${failed.reason}`,
    };
  }
  const unclear = results.filter((r) => r.status === 'inconclusive');
  if (results.length === 0 || unclear.length > 0) {
    const why =
      results.length === 0
        ? 'there are no SLO checks to evaluate'
        : unclear.map((r) => `${r.name}: ${r.reason}`).join('; ');
    return {
      ...state,
      status: 'inconclusive',
      intervals,
      streak: 0,
      unclear,
      reason: `interval ${intervals} was inconclusive (${why}); a person must decide whether to continue or roll back`,
    };
  }
  const streak = state.streak + 1;
  if (streak >= required) {
    return {
      ...state,
      status: 'healthy',
      intervals,
      streak,
      reason: `${streak} consecutive healthy intervals: every SLO check passed`,
    };
  }
  if (intervals >= maxIntervals) {
    return {
      ...state,
      status: 'inconclusive',
      intervals,
      streak,
      reason: `${intervals} intervals passed without ${required} consecutive healthy ones; a person must decide`,
    };
  }
  return {
    ...state,
    intervals,
    streak,
    reason: `${streak} of ${required} consecutive healthy intervals`,
  };
}

/**
 * Continues after a person chose Continue on a paused window: the streak starts over (the
 * inconclusive interval broke it) but the intervals already spent still count toward the max.
 */
export function continueWindow(state: WindowState): WindowState {
  if (state.status !== 'inconclusive') return state;
  const { required, maxIntervals } = state.settings;
  if (state.intervals >= maxIntervals) {
    return { ...state, reason: `all ${maxIntervals} intervals are spent; ${state.reason}` };
  }
  return {
    status: 'watching',
    settings: state.settings,
    intervals: state.intervals,
    streak: 0,
    reason: `continued by a person: waiting for ${required} consecutive healthy intervals`,
  };
}

/** Stops a window that is still watching (cancelled, shutting down). */
export function abortWindow(state: WindowState, why: string): WindowState {
  if (state.status !== 'watching') return state;
  return { ...state, status: 'aborted', reason: `verification stopped: ${why}` };
}
