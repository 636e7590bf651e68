import { setTimeout as delay } from 'node:timers/promises';
import type { PrometheusClient } from '../adapters/prometheus/create-prometheus-client.ts';
import { evaluateThreshold } from '../adapters/prometheus/evaluate-threshold.ts';
import { describeInterval } from '../domain/deploys/describe-verification.ts';
import {
  abortWindow,
  type CheckOutcome,
  continueWindow,
  DEFAULT_WINDOW,
  type SloCheck,
  startWindow,
  stepWindow,
  type WindowState,
} from '../domain/deploys/verification-window.ts';
import type { Logger } from '../telemetry/logger.ts';

/** One evaluated interval: when, and every check's result. */
export interface VerificationInterval {
  /** 1-based, counting intervals before a Continue too. */
  number: number;
  at: Date;
  results: CheckOutcome[];
}

/** What a thread update needs after each interval. */
export interface IntervalReport extends VerificationInterval {
  state: WindowState;
  /** "interval 2 · 2 of 3 healthy · error-ratio 0 < 0.01 ok · ..." */
  line: string;
}

/** Where a window in progress stands: saved after each interval, so another bot continues it. */
export interface WindowProgress {
  state: WindowState;
  intervals: VerificationInterval[];
  startedAt: Date;
  /** When the latest interval was evaluated (or the window started): the next is due after. */
  lastAt: Date;
}

/** How the window ended. `state` lets a paused window be continued (`resume`). */
export interface VerificationOutcome {
  status: 'healthy' | 'breached' | 'inconclusive' | 'aborted';
  intervals: VerificationInterval[];
  breach?: CheckOutcome;
  reason: string;
  state: WindowState;
  startedAt: Date;
  finishedAt: Date;
}

export interface RunVerificationOptions {
  checks: SloCheck[];
  prometheus: Pick<PrometheusClient, 'query' | 'graphUrl'>;
  /** Milliseconds between evaluations; the first comes one interval after the start. Default 30 s. */
  interval?: number;
  /** Consecutive healthy intervals that promote. Default 3. */
  required?: number;
  /** Bound on intervals before the window gives up as inconclusive. Default max(10, required). */
  maxIntervals?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
  /** Told after every interval; a failure here is logged, never stops the window. */
  onInterval?: (report: IntervalReport) => void | Promise<void>;
  now?: () => Date;
  log?: Logger;
  /** A paused window a person chose to continue (from a previous outcome's `state`). */
  resume?: WindowState;
  /** A window another bot began (it died): goes on from there, next interval when it was due. */
  carried?: WindowProgress;
  /**
   * Saves the progress at the start and after every interval. Unlike onInterval, a failure
   * ends the window with that error (this bot may no longer own the run).
   */
  checkpoint?: (progress: WindowProgress) => Promise<void>;
}

function toCheckOutcome(
  check: SloCheck,
  prometheus: RunVerificationOptions['prometheus'],
  result: { status: CheckOutcome['status']; value?: number; reason: string },
): CheckOutcome {
  return {
    name: check.name,
    query: check.query,
    comparison: check.comparison,
    threshold: check.threshold,
    status: result.status,
    ...(result.value === undefined ? {} : { value: result.value }),
    reason: result.reason,
    graphUrl: prometheus.graphUrl(check.query),
  };
}

/** Evaluates every check once, concurrently; anything unexpected is inconclusive, never passed. */
export async function evaluateChecks(
  checks: SloCheck[],
  prometheus: RunVerificationOptions['prometheus'],
): Promise<CheckOutcome[]> {
  return Promise.all(
    checks.map(async (check) => {
      const result = await evaluateThreshold(prometheus, check).catch((error: unknown) => ({
        status: 'inconclusive' as const,
        reason: `could not evaluate ${check.query}: ${error instanceof Error ? error.message : String(error)}`,
      }));
      return toCheckOutcome(check, prometheus, result);
    }),
  );
}

/**
 * Runs a verification window: sleep one interval, evaluate every SLO check, feed the window;
 * until it is healthy, breached, inconclusive (paused for a person) or aborted by `signal`.
 * The loop is bounded by `maxIntervals`.
 */
export async function runVerification(
  options: RunVerificationOptions,
): Promise<VerificationOutcome> {
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, { signal }));
  const interval = options.interval ?? DEFAULT_WINDOW.intervalMs;
  if (!(interval >= 0) || !Number.isFinite(interval)) {
    throw new RangeError(`interval must be a number of milliseconds >= 0, got ${interval}`);
  }
  const { carried } = options;
  let state =
    carried?.state ??
    (options.resume
      ? continueWindow(options.resume)
      : startWindow({
          ...(options.required === undefined ? {} : { required: options.required }),
          ...(options.maxIntervals === undefined ? {} : { maxIntervals: options.maxIntervals }),
        }));
  const startedAt = carried?.startedAt ?? now();
  const intervals: VerificationInterval[] = [...(carried?.intervals ?? [])];
  const { signal } = options;
  // A carried window's next interval is due one interval after its latest, not from now.
  let wait = carried
    ? Math.min(Math.max(interval - (now().getTime() - carried.lastAt.getTime()), 0), interval)
    : interval;
  if (!carried) await options.checkpoint?.({ state, intervals, startedAt, lastAt: startedAt });

  while (state.status === 'watching') {
    try {
      if (signal?.aborted) throw signal.reason;
      await sleep(wait, signal);
      wait = interval;
      if (signal?.aborted) throw signal.reason;
    } catch (error) {
      if (!signal?.aborted) throw error;
      state = abortWindow(state, abortReason(signal));
      break;
    }
    const at = now();
    const results = await evaluateChecks(options.checks, options.prometheus);
    if (signal?.aborted) {
      state = abortWindow(state, abortReason(signal));
      break;
    }
    state = stepWindow(state, results);
    const entry = { number: state.intervals, at, results };
    intervals.push(entry);
    await options.checkpoint?.({ state, intervals, startedAt, lastAt: at });
    await report(options, { ...entry, state, line: describeInterval(state, results) });
  }

  return {
    status: state.status === 'watching' ? 'aborted' : state.status,
    intervals,
    ...(state.breach ? { breach: state.breach } : {}),
    reason: state.reason,
    state,
    startedAt,
    finishedAt: now(),
  };
}

async function report(options: RunVerificationOptions, entry: IntervalReport): Promise<void> {
  try {
    await options.onInterval?.(entry);
  } catch (error) {
    options.log?.warn(
      { err: error, interval: entry.number },
      'reporting a verification interval failed; the window goes on',
    );
  }
}

function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name !== 'AbortError') return reason.message;
  return typeof reason === 'string' ? reason : 'aborted';
}
