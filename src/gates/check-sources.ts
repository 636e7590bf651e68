import type { KubeClients } from '../adapters/kubernetes/create-kube-clients.ts';
import type { PagerDuty } from '../adapters/pagerduty/client.ts';
import type { PrometheusClient } from '../adapters/prometheus/create-prometheus-client.ts';
import type { Catalog } from '../config/schema.ts';
import type { DrillResults } from '../drills/drill-results.ts';

/** What the checks read; a source that is not configured makes its checks inconclusive. */
export interface CheckSources {
  catalog: Catalog;
  kube: KubeClients;
  prometheus?: Pick<PrometheusClient, 'query' | 'graphUrl'> | undefined;
  pagerduty?: Pick<PagerDuty, 'listOpenIncidents'> | undefined;
  drills: DrillResults;
  clock: () => Date;
  /** Relative `dir` paths of signature checks resolve against it; default the process's cwd. */
  configDir?: string | undefined;
}

export interface GateSubject {
  service: string;
  env: string;
  version: string;
}
