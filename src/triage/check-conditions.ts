import type { PrometheusClient } from '../adapters/prometheus/create-prometheus-client.ts';
import { evaluateThreshold } from '../adapters/prometheus/evaluate-threshold.ts';
import type { Playbook, TriagePlaybook } from '../domain/playbooks/schema.ts';
import {
  type ConditionCheck,
  describeCheck,
  type Measured,
} from '../domain/triage/condition-check.ts';
import { renderSteps } from '../domain/triage/render-steps.ts';
import type { Incident } from '../domain/triage/schema.ts';

/** Measures the `confirm` conditions of the named playbooks for an incident, by playbook id. */
export type ConditionChecker = (
  incident: Incident,
  playbooks: string[],
) => Promise<Record<string, ConditionCheck>>;

export interface ConditionCheckerOptions {
  playbooks: Playbook[];
  /** PROMETHEUS_URL's client; absent: every condition is unverified, and says why. */
  prometheus?: Pick<PrometheusClient, 'query'> | undefined;
  clock: () => Date;
  /** A query's answer is reused this long (an alert storm asks once). Default 15 s. */
  cacheMs?: number;
}

/**
 * Evaluates each playbook's `confirm` query (templated for the incident) against Prometheus:
 * holds, fails (demoted, with the value), or unverified when Prometheus is not configured,
 * unreachable, errs or has no data. Never throws: a condition it cannot measure is unverified.
 */
export function createConditionChecker(options: ConditionCheckerOptions): ConditionChecker {
  const byId = new Map(
    options.playbooks.filter((p): p is TriagePlaybook => p.kind === 'triage').map((p) => [p.id, p]),
  );
  const cacheMs = options.cacheMs ?? 15_000;
  const cache = new Map<string, { at: number; measured: Promise<Measured> }>();

  function measure(query: string, comparison: '<' | '<=' | '>' | '>=', threshold: number) {
    const prometheus = options.prometheus;
    if (!prometheus) {
      return Promise.resolve<Measured>({
        status: 'inconclusive',
        reason: 'Prometheus is not configured (PROMETHEUS_URL is not set)',
      });
    }
    const key = `${comparison} ${threshold} ${query}`;
    const now = options.clock().getTime();
    const hit = cache.get(key);
    if (hit && now - hit.at < cacheMs) return hit.measured;
    const measured = evaluateThreshold(prometheus, { query, comparison, threshold }).then(
      (result): Measured =>
        result.status !== 'inconclusive' && result.value !== undefined
          ? { status: result.status, value: result.value }
          : {
              status: 'inconclusive',
              // The playbook names the value; the query itself is on the plan.
              reason: result.reason.split(query).join('the query'),
              ...(result.value === undefined ? {} : { value: result.value }),
            },
    );
    cache.set(key, { at: now, measured });
    for (const [k, v] of cache) if (now - v.at >= cacheMs) cache.delete(k);
    return measured;
  }

  return async (incident, ids) => {
    const out: Record<string, ConditionCheck> = {};
    await Promise.all(
      ids.map(async (id) => {
        const playbook = byId.get(id);
        const confirm = playbook ? renderSteps(playbook, incident).confirm : undefined;
        if (!confirm) return;
        const measured = await measure(confirm.query, confirm.comparison, confirm.threshold);
        out[id] = describeCheck(confirm, measured, options.clock());
      }),
    );
    return out;
  };
}
