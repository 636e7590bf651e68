import { resolveTarget } from '../actions/resolve-target.ts';
import type { KubeClients } from '../adapters/kubernetes/create-kube-clients.ts';
import { listWorkloadPods, type PodState } from '../adapters/kubernetes/pods.ts';
import { readWorkload } from '../adapters/kubernetes/workload.ts';
import type { PrometheusClient } from '../adapters/prometheus/create-prometheus-client.ts';
import type { Catalog } from '../config/schema.ts';
import type { DeployRecord } from '../domain/deploys/deploy-record.ts';
import type { CheckOutcome } from '../domain/deploys/verification-window.ts';
import type { RunEngine, RunView } from '../runs/types.ts';
import type { DeployLog } from './deploy-log.ts';
import { evaluateChecks } from './run-verification.ts';

/** The pods of one service in one environment, or why they could not be read. */
export type PodsOf = { env: string; label: string } & (
  | { ok: true; pods: PodState[] }
  | { ok: false; problem: string }
);

const problemOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** `--show pods`: every environment's live pods (readiness, restarts, creation time). */
export async function readPods(input: {
  catalog: Catalog;
  kube: KubeClients;
  service: string;
  envs: string[];
}): Promise<PodsOf[]> {
  return Promise.all(
    input.envs.map(async (env): Promise<PodsOf> => {
      const label = `${input.service}/${env}`;
      try {
        const target = resolveTarget(input.catalog, input.service, env);
        const workload = await readWorkload(input.kube, target.workload);
        return { env, label, ok: true, pods: await listWorkloadPods(input.kube, workload) };
      } catch (error) {
        return { env, label, ok: false, problem: problemOf(error) };
      }
    }),
  );
}

/** One service's SLO checks evaluated now, each with its value, threshold and graph link. */
export type SloOf = { service: string } & (
  | { ok: true; checks: CheckOutcome[] }
  | { ok: false; problem: string }
);

/** `--show slo`: every SLO of the services, evaluated against Prometheus now. */
export async function readSlos(input: {
  catalog: Catalog;
  prometheus: Pick<PrometheusClient, 'query' | 'graphUrl'>;
  services: string[];
}): Promise<SloOf[]> {
  return Promise.all(
    input.services.map(async (service): Promise<SloOf> => {
      const slo = input.catalog.services[service]?.slo ?? [];
      try {
        return { service, ok: true, checks: await evaluateChecks(slo, input.prometheus) };
      } catch (error) {
        return { service, ok: false, problem: problemOf(error) };
      }
    }),
  );
}

/** Runs of one service: in flight (from the engine) and recent (from the change log). */
export interface RunsOf {
  active: RunView[];
  recent: DeployRecord[] | { problem: string };
}

/** `--show runs`: the service's active runs and its last `limit` changes over `days` days. */
export async function readRuns(input: {
  engine: Pick<RunEngine, 'active'>;
  deployLog: Pick<DeployLog, 'recentDeploys'>;
  service: string;
  env?: string | undefined;
  now: Date;
  limit?: number;
  days?: number;
}): Promise<RunsOf> {
  const inScope = (t: { service: string; env: string }) =>
    t.service === input.service && (!input.env || t.env === input.env);
  const active = (await input.engine.active()).filter((v) => inScope(v.run.target));
  const since = new Date(input.now.getTime() - (input.days ?? 7) * 86_400_000);
  const recent = await input.deployLog
    .recentDeploys({
      service: input.service,
      ...(input.env ? { env: input.env } : {}),
      since,
      limit: input.limit ?? 10,
    })
    .catch((error: unknown) => ({ problem: problemOf(error) }));
  return { active, recent };
}
