import type { PrometheusClient } from '../adapters/prometheus/create-prometheus-client.ts';
import { evaluateThreshold } from '../adapters/prometheus/evaluate-threshold.ts';
import type { Slo } from '../config/schema.ts';
import type { SloImpact } from '../domain/drills/drill-result.ts';

/** A value worse than another for this comparison (higher is worse for `<` SLOs). */
function worse(comparison: string, a: number, b: number): boolean {
  return comparison === '<' || comparison === '<=' ? a > b : a < b;
}

/**
 * Samples the service's SLO queries and folds each answer into its impact: the worst value
 * seen, whether it was ever breached, and for how long (time from a breached sample to the
 * next one). Prometheus failures add nothing, and never count as healthy.
 */
export async function sampleSlos(
  prometheus: Pick<PrometheusClient, 'query'>,
  slos: readonly Slo[],
  impact: readonly SloImpact[],
  elapsedSeconds: number,
): Promise<SloImpact[]> {
  return Promise.all(
    slos.map(async (slo): Promise<SloImpact> => {
      const before = impact.find((i) => i.name === slo.name) ?? {
        name: slo.name,
        comparison: slo.comparison,
        threshold: slo.threshold,
        worst: null,
        breached: false,
        breachSeconds: 0,
        samples: 0,
      };
      const result = await evaluateThreshold(prometheus, slo);
      const value = Number.isFinite(result.value) ? (result.value as number) : undefined;
      const failing = result.status === 'failed';
      const keepWorst =
        value === undefined ||
        (before.worst !== null && !worse(slo.comparison, value, before.worst));
      return {
        ...before,
        worst: keepWorst ? before.worst : value,
        breached: before.breached || failing,
        breachSeconds: before.breachSeconds + (before.breachedNow ? elapsedSeconds : 0),
        samples: before.samples + 1,
        breachedNow: failing,
      };
    }),
  );
}
