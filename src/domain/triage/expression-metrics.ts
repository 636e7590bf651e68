// The metrics an alert's PromQL expression reads. Alertmanager does not send the expression,
// but Prometheus puts it in each alert's generatorURL (`/graph?g0.expr=...`): what the alert is
// about, whatever the rule's author named it.

const NOT_METRICS = new Set(
  (
    'rate irate increase delta idelta deriv sum avg min max count topk bottomk quantile stddev ' +
    'stdvar count_values group abs absent absent_over_time ceil floor round clamp clamp_min ' +
    'clamp_max changes resets time vector scalar histogram_quantile label_replace label_join ' +
    'predict_linear sort sort_desc sum_over_time avg_over_time max_over_time min_over_time ' +
    'count_over_time last_over_time quantile_over_time stddev_over_time present_over_time ' +
    'timestamp day_of_week hour minute month year days_in_month exp ln log2 log10 sqrt sgn by ' +
    'without on ignoring group_left group_right bool and or unless offset atan2 inf nan'
  ).split(' '),
);

/** Metric names in a PromQL expression, in order, without label names, functions or keywords. */
export function expressionMetrics(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, '');
  const found: string[] = [];
  for (const m of stripped.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    const name = m[1] ?? '';
    if (m[2] || NOT_METRICS.has(name) || /^\d/.test(name)) continue;
    // A bare word without _ or : is a keyword or a number suffix, except the `up` metric.
    if (!/[_:]/.test(name) && name !== 'up') continue;
    if (!found.includes(name)) found.push(name);
  }
  return found;
}

const cache = new Map<string, string[]>();

/** The metrics of the expression in a Prometheus generatorURL (`g0.expr`); none when absent. */
export function generatorMetrics(link: string | undefined): string[] {
  if (!link) return [];
  const hit = cache.get(link);
  if (hit) return hit;
  let expr: string | null = null;
  try {
    expr = new URL(link).searchParams.get('g0.expr');
  } catch {
    expr = null;
  }
  const metrics = expr ? expressionMetrics(expr) : [];
  if (cache.size > 1000) cache.clear();
  cache.set(link, metrics);
  return metrics;
}
