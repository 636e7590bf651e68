import type { EnvSample, MetricsSnapshot } from './snapshot.ts';

/** One series of an instant vector: its labels and value. */
export interface VectorSample {
  metric: Record<string, string>;
  value: number;
}

const COMPARISON = /^(.*?)\s*(==|!=|>=|<=|>|<)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)$/;
const OPS: Record<string, (a: number, b: number) => boolean> = {
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
  '>=': (a, b) => a >= b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '<': (a, b) => a < b,
};

/**
 * Answers the PromQL shapes the bot, the catalog's SLOs and the triage playbooks ask (error
 * ratios, burn rates, histogram quantiles, request rates, kube-state restarts), from one
 * snapshot. This is not a PromQL engine: an expression it does not recognise gets an empty
 * vector, which the bot reports as "no series" (inconclusive), never as a pass.
 */
export function evaluateQuery(promql: string, snapshot: MetricsSnapshot): VectorSample[] {
  const query = promql.replace(/\s+/g, ' ').trim();
  const filter = topLevelComparison(query);
  const expr = filter ? filter.expr : query;
  const result = evaluate(expr, snapshot);
  return filter ? result.filter((s) => OPS[filter.op]?.(s.value, filter.value)) : result;
}

function topLevelComparison(query: string) {
  const m = COMPARISON.exec(query);
  if (!m?.[1] || !m[2] || !m[3]) return undefined;
  // `(a) / (1 - 0.995)` ends in a number too, but inside parentheses: not a filter.
  if (depthAtEnd(m[1]) !== 0) return undefined;
  return { expr: m[1], op: m[2], value: Number(m[3]) };
}

function depthAtEnd(text: string): number {
  let depth = 0;
  for (const ch of text) depth += ch === '(' ? 1 : ch === ')' ? -1 : 0;
  return depth;
}

/** Equality matchers of the expression (the first value of each label wins). */
export function equalityMatchers(expr: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const m of expr.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"([^"]*)"/g)) {
    const [, name, value] = m;
    if (name && value !== undefined && !(name in found)) found[name] = value;
  }
  return found;
}

function selectEnvs(expr: string, snapshot: MetricsSnapshot): EnvSample[] {
  const m = equalityMatchers(expr);
  return snapshot.envs.filter(
    (e) =>
      (!m.service || m.service === e.service) &&
      (!m.env || m.env === e.env) &&
      (!m.namespace || m.namespace === e.namespace),
  );
}

/** Labels of a `by (...)` clause, `le` excluded (quantiles aggregate it away). */
function byLabels(expr: string): string[] {
  const m = /\bby\s*\(([^)]*)\)/.exec(expr);
  return (m?.[1] ?? '')
    .split(',')
    .map((l) => l.trim())
    .filter((l) => l && l !== 'le');
}

/** Placeholder values for grouping labels the snapshot does not model (one route, one code). */
function grouped(expr: string, value: number): VectorSample[] {
  const labels: Record<string, string> = {};
  for (const label of byLabels(expr))
    labels[label] = label === 'code' ? '503' : label === 'route' ? '/api' : '';
  return [{ metric: labels, value }];
}

function evaluate(expr: string, snapshot: MetricsSnapshot): VectorSample[] {
  if (/\bkube_pod_container_status_restarts_total\b/.test(expr)) return restarts(expr, snapshot);
  if (/\bkube_pod_container_status_last_terminated_reason\b/.test(expr))
    return terminated(expr, snapshot);
  const envs = selectEnvs(expr, snapshot);
  if (envs.length === 0) return [];
  const total = envs.reduce((sum, e) => sum + e.rps, 0);
  if (expr.includes('histogram_quantile(')) {
    const q = Number(/histogram_quantile\(\s*([\d.]+)/.exec(expr)?.[1] ?? 0.95);
    const weighted = envs.reduce((sum, e) => sum + e.latencyP95 * e.rps, 0) / total;
    return grouped(expr, weighted * quantileFactor(q));
  }
  if (expr.includes('http_requests_total')) {
    const errors = envs.reduce((sum, e) => sum + e.rps * e.errorRatio, 0);
    const fiveXx = /code\s*=~\s*"5\.\.?"/.test(expr);
    if (/http_requests_total[^/]*\/[^/]*http_requests_total/.test(expr)) {
      let ratio = total > 0 ? errors / total : Number.NaN;
      const budget = /\/\s*\(\s*1\s*-\s*([\d.]+)\s*\)\s*$/.exec(expr);
      if (budget?.[1]) ratio /= 1 - Number(budget[1]);
      if (/^1\s*-\s*\(/.test(expr)) ratio = 1 - ratio;
      return [{ metric: {}, value: ratio }];
    }
    return grouped(expr, fiveXx ? errors : total);
  }
  if (/^up\b/.test(expr)) {
    return envs.map((e) => ({ metric: { job: e.service, env: e.env }, value: 1 }));
  }
  return [];
}

function quantileFactor(q: number): number {
  if (q >= 0.99) return 1.4;
  if (q >= 0.95) return 1;
  if (q >= 0.9) return 0.85;
  return 0.5;
}

function restarts(expr: string, snapshot: MetricsSnapshot): VectorSample[] {
  const ns = equalityMatchers(expr).namespace;
  return snapshot.pods
    .filter((p) => !ns || p.namespace === ns)
    .map((p) => ({
      metric: { namespace: p.namespace, pod: p.pod, container: p.container },
      value: p.restarts,
    }));
}

function terminated(expr: string, snapshot: MetricsSnapshot): VectorSample[] {
  const ns = equalityMatchers(expr).namespace;
  return snapshot.pods
    .filter((p) => (!ns || p.namespace === ns) && p.lastTerminatedReason)
    .map((p) => ({
      metric: {
        namespace: p.namespace,
        pod: p.pod,
        container: p.container,
        reason: p.lastTerminatedReason ?? '',
      },
      value: 1,
    }));
}
