import type { PrometheusClient } from './create-prometheus-client.ts';
import type { Labels } from './schema.ts';

/** How the value must compare to the threshold for the check to pass. */
export type Comparison = '<' | '<=' | '>' | '>=' | '==' | '!=';

export interface ThresholdCheck {
  query: string;
  comparison: Comparison;
  threshold: number;
  time?: Date;
}

/** Outcome of a check; anything short of a clean answer is `inconclusive`, never `passed`. */
export interface ThresholdResult {
  status: 'passed' | 'failed' | 'inconclusive';
  /** The deciding value: the worst series of a vector. */
  value?: number;
  /** Labels of the deciding series, for a vector. */
  labels?: Labels;
  reason: string;
}

const HOLDS: Record<Comparison, (value: number, threshold: number) => boolean> = {
  '<': (v, t) => v < t,
  '<=': (v, t) => v <= t,
  '>': (v, t) => v > t,
  '>=': (v, t) => v >= t,
  '==': (v, t) => v === t,
  '!=': (v, t) => v !== t,
};

/**
 * Runs an instant query and compares its value to a threshold (passes when `value comparison
 * threshold` holds). Every series of a vector must pass; the worst one decides and is named.
 * Unreachable Prometheus, errors, no series, NaN and non-numeric results are inconclusive.
 */
export async function evaluateThreshold(
  client: Pick<PrometheusClient, 'query'>,
  check: ThresholdCheck,
): Promise<ThresholdResult> {
  const wanted = `${check.comparison} ${formatNumber(check.threshold)}`;
  if (Number.isNaN(check.threshold)) {
    return { status: 'inconclusive', reason: `threshold of ${check.query} is not a number` };
  }
  let result: Awaited<ReturnType<PrometheusClient['query']>>;
  try {
    result = await client.query(check.query, check.time ? { time: check.time } : {});
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { status: 'inconclusive', reason: `could not evaluate ${check.query}: ${message}` };
  }
  if (result.type === 'scalar') {
    return judge(check, wanted, [{ labels: undefined, value: result.value }], 1);
  }
  if (result.type === 'vector') {
    if (result.series.length === 0) {
      return {
        status: 'inconclusive',
        reason: `${check.query} returned no series: check the metric name and labels, or whether there was any traffic`,
      };
    }
    return judge(check, wanted, result.series, result.series.length);
  }
  return {
    status: 'inconclusive',
    reason: `${check.query} returned a ${result.type}; a threshold needs a number (use an instant vector or scalar)`,
  };
}

function judge(
  check: ThresholdCheck,
  wanted: string,
  series: Array<{ labels: Labels | undefined; value: number }>,
  count: number,
): ThresholdResult {
  const holds = HOLDS[check.comparison];
  const failing = series.filter((s) => !Number.isNaN(s.value) && !holds(s.value, check.threshold));
  const unknown = series.filter((s) => Number.isNaN(s.value));
  const of = count > 1 ? ` (worst of ${count} series)` : '';
  if (failing.length > 0) {
    const worst = pickWorst(failing, check);
    return outcome('failed', worst, `${describe(check, worst)} is not ${wanted}${of}`);
  }
  if (unknown.length > 0) {
    const first = unknown[0]!;
    return outcome(
      'inconclusive',
      first,
      `${describe(check, first)} is NaN (no data in the window, or 0/0): cannot tell whether it is ${wanted}`,
    );
  }
  const worst = pickWorst(series, check);
  return outcome('passed', worst, `${describe(check, worst)} is ${wanted}${of}`);
}

// The series furthest on the wrong side of the threshold (or closest to it when all pass).
function pickWorst<T extends { value: number }>(series: T[], check: ThresholdCheck): T {
  const badness = (v: number) => {
    if (check.comparison === '<' || check.comparison === '<=') return v;
    if (check.comparison === '>' || check.comparison === '>=') return -v;
    const distance = Math.abs(v - check.threshold);
    return check.comparison === '==' ? distance : -distance;
  };
  return series.reduce((worst, s) => (badness(s.value) > badness(worst.value) ? s : worst));
}

function outcome(
  status: ThresholdResult['status'],
  series: { labels: Labels | undefined; value: number },
  reason: string,
): ThresholdResult {
  return {
    status,
    value: series.value,
    ...(series.labels ? { labels: series.labels } : {}),
    reason,
  };
}

function describe(check: ThresholdCheck, series: { labels: Labels | undefined; value: number }) {
  const labels = series.labels ? formatLabels(series.labels) : '';
  return `${check.query}${labels ? ` ${labels}` : ''} = ${formatNumber(series.value)}`;
}

function formatLabels(labels: Labels): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  return pairs.length ? `{${pairs.join(', ')}}` : '';
}

/** A value as a person reads it: 4 significant digits, NaN and ±Inf spelled out. */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  return String(Number(value.toPrecision(4)));
}
