/** Buckets (seconds) of `http_request_duration_seconds`, the prom-client defaults. */
export const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Share of requests at or under each bucket bound, and the mean latency (for `_sum`). */
export interface LatencyShape {
  /** Cumulative fraction per bound of `bounds` (the last, +Inf, is 1). */
  fractions: number[];
  mean: number;
}

const Q = 0.95;

/**
 * Latencies roughly exponential, shaped so histogram_quantile(0.95, ...) reads back exactly
 * `p95`: histogram_quantile interpolates linearly inside a bucket, so the cumulative share is
 * made linear across the bucket holding p95 and passes through (p95, 0.95); the buckets
 * below and above keep the exponential's shape, rescaled to meet it. A p95 under the first
 * bound or past the last finite one reads back only approximately, as with any histogram.
 */
export function latencyShape(p95: number, bounds: number[]): LatencyShape {
  if (!(p95 > 0) || !Number.isFinite(p95)) {
    throw new Error(`p95 latency must be a positive number of seconds, got ${p95}`);
  }
  const mean = p95 / Math.log(1 / (1 - Q)); // exponential with P(X <= p95) = 0.95
  const exp = (le: number) => (le === Number.POSITIVE_INFINITY ? 1 : 1 - Math.exp(-le / mean));
  const upper = bounds.findIndex((b) => b >= p95);
  if (upper < 0 || bounds[upper] === Number.POSITIVE_INFINITY) {
    return { fractions: bounds.map(exp), mean };
  }
  const lo = upper > 0 ? (bounds[upper - 1] ?? 0) : 0;
  const hi = bounds[upper] ?? p95;
  // The exponential's own slope at p95, flattened if needed so the bucket stays below 1.
  let slope = (1 - Q) / mean;
  if (hi > p95) slope = Math.min(slope, (1 - Q) / 2 / (hi - p95));
  const atLo = Q - slope * (p95 - lo);
  const atHi = Q + slope * (hi - p95);
  const fractions = bounds.map((le, i) => {
    if (i < upper - 1) return (exp(le) * atLo) / exp(lo);
    if (i === upper - 1) return atLo;
    if (i === upper) return atHi;
    return atHi + ((1 - atHi) * (exp(le) - exp(hi))) / (1 - exp(hi));
  });
  return { fractions, mean };
}
