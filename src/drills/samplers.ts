import { resolveTarget } from '../actions/resolve-target.ts';
import type { KubeClients } from '../adapters/kubernetes/create-kube-clients.ts';
import { listWorkloadPods } from '../adapters/kubernetes/pods.ts';
import { readWorkload } from '../adapters/kubernetes/workload.ts';
import type { PrometheusClient } from '../adapters/prometheus/create-prometheus-client.ts';
import { evaluateThreshold, formatNumber } from '../adapters/prometheus/evaluate-threshold.ts';
import type { Catalog } from '../config/schema.ts';
import type { DrillQuery } from '../domain/playbooks/drill-schema.ts';

/** One look at a workload: how many wanted pods are ready, fault victims not counted. */
export interface ReplicaSample {
  ready: number;
  wanted: number;
  recovered: boolean;
  detail: string;
}

/**
 * Reads the workload and its pods: recovered when as many ready, non-terminating pods as it
 * wants are up, none of them one the fault deleted (those still terminating do not count).
 */
export async function sampleReplicas(
  deps: { kube: KubeClients; catalog: Catalog },
  target: { service: string; env: string },
  excluded: readonly string[] = [],
): Promise<ReplicaSample> {
  const t = resolveTarget(deps.catalog, target.service, target.env);
  const w = await readWorkload(deps.kube, t.workload);
  const skip = new Set(excluded);
  const ready = (await listWorkloadPods(deps.kube, w)).filter(
    (p) => p.ready && !p.terminating && !skip.has(p.name),
  ).length;
  const recovered = ready >= w.replicas && w.replicas > 0;
  return {
    ready,
    wanted: w.replicas,
    recovered,
    detail: `${t.label}: ${ready}/${w.replicas} pods ready`,
  };
}

/** Whether a PromQL check holds now; undefined when Prometheus gave no clean answer. */
export interface QuerySample {
  holds: boolean | undefined;
  value: number | undefined;
  detail: string;
}

/** Asks Prometheus once and compares with the threshold. */
export async function sampleQuery(
  prometheus: Pick<PrometheusClient, 'query'>,
  check: DrillQuery,
): Promise<QuerySample> {
  const result = await evaluateThreshold(prometheus, check);
  const holds = result.status === 'inconclusive' ? undefined : result.status === 'passed';
  const value = result.value;
  const shown = value === undefined ? 'no value' : formatNumber(value);
  return {
    holds,
    value,
    detail:
      holds === undefined
        ? result.reason
        : `${check.query} = ${shown} (${holds ? 'holds' : 'does not hold'})`,
  };
}
