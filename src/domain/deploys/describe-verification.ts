import type { CheckOutcome, WindowState } from './verification-window.ts';

/** A value as a person reads it: 4 significant digits, NaN and ±Inf spelled out. */
export function formatValue(value: number | undefined): string {
  if (value === undefined) return 'no value';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  return String(Number(value.toPrecision(4)));
}

const MARK: Record<CheckOutcome['status'], string> = {
  passed: 'ok',
  failed: 'FAILED',
  inconclusive: 'unknown',
};

/** `error-ratio 0.002 < 0.01 ok`: one check in one interval. */
export function describeCheck(check: CheckOutcome): string {
  const value = check.status === 'inconclusive' ? '?' : formatValue(check.value);
  return `${check.name} ${value} ${check.comparison} ${formatValue(check.threshold)} ${MARK[check.status]}`;
}

/**
 * The thread's progress line after an interval: "interval 2 · 2 of 3 healthy · error-ratio
 * 0.002 < 0.01 ok · latency-p95 0.1 <= 0.4 ok".
 */
export function describeInterval(state: WindowState, results: CheckOutcome[]): string {
  const head =
    state.status === 'watching'
      ? `${state.streak} of ${state.settings.required} healthy`
      : state.status;
  return [`interval ${state.intervals}`, head, ...results.map(describeCheck)].join(' · ');
}

/**
 * What the thread says when a window ends: for a breach the check, its query, its value
 * against the threshold and the graph link; for a pause what could not be told.
 */
export function describeVerdict(state: WindowState): string[] {
  if (state.status === 'breached' && state.breach) {
    const b = state.breach;
    return [
      `SLO breach: ${b.name} = ${formatValue(b.value)}, threshold ${b.comparison} ${formatValue(b.threshold)}`,
      `query: ${b.query}`,
      `graph: ${b.graphUrl}`,
    ];
  }
  if (state.status === 'inconclusive') {
    const lines = [`Verification paused: ${state.reason}`];
    for (const u of state.unclear ?? []) lines.push(`graph of ${u.name}: ${u.graphUrl}`);
    return lines;
  }
  return [state.reason];
}
