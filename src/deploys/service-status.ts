import { resolveTarget } from '../actions/resolve-target.ts';
import type { KubeClients } from '../adapters/kubernetes/create-kube-clients.ts';
import { rolloutStatus } from '../adapters/kubernetes/rollout-status.ts';
import type { Workload } from '../adapters/kubernetes/types.ts';
import { readWorkload } from '../adapters/kubernetes/workload.ts';
import { type Catalog, unknownName } from '../config/schema.ts';
import { activeFreeze } from '../domain/deploys/freeze.ts';
import type {
  ActiveRunSummary,
  EnvironmentStatus,
  ServiceStatus,
  Sourced,
  WorkloadSummary,
} from '../domain/deploys/status-model.ts';
import type { RunEngine, RunView } from '../runs/types.ts';
import type { DeployLog } from './deploy-log.ts';
import { type AlertSources, firingAlerts } from './firing-alerts.ts';

/** What status reads; alerts come from `alertmanager`, else `prometheus`, else are left out. */
export interface ServiceStatusInput extends AlertSources {
  service: string;
  /** One environment; all of the service's when absent. */
  env?: string;
  catalog: Catalog;
  kube: KubeClients;
  engine: Pick<RunEngine, 'active'>;
  deployLog: Pick<DeployLog, 'lastDeploy'>;
  now?: () => Date;
  /** Bound on each source; a slow one becomes "unavailable". Default 5 s. */
  timeoutMs?: number;
}

/** A service name or environment the catalog does not know: the message names the known ones. */
export class StatusInputError extends Error {
  override readonly name = 'StatusInputError';
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Settles `work` as a Sourced value, never throwing and never waiting past `timeoutMs`. */
async function source<T>(what: string, timeoutMs: number, work: () => Promise<T>) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return { ok: true, value: await Promise.race([work(), timeout]) } as Sourced<T>;
  } catch (error) {
    return { ok: false, unavailable: describeError(error) } as Sourced<T>;
  } finally {
    clearTimeout(timer);
  }
}

function summarize(workload: Workload, container: string): WorkloadSummary {
  const { ref, status } = workload;
  const containers = workload.template.spec.containers ?? [];
  const c = containers.find((x) => x.name === container) ?? containers[0];
  return {
    kind: ref.kind,
    name: ref.name,
    namespace: ref.namespace,
    context: ref.context,
    ...(workload.revision === undefined ? {} : { revision: workload.revision }),
    image: c?.image ?? '(none)',
    replicas: {
      desired: workload.replicas,
      ready: status.readyReplicas ?? 0,
      updated: status.updatedReplicas ?? 0,
      available: status.availableReplicas ?? 0,
    },
  };
}

function runSummary(view: RunView): ActiveRunSummary {
  const { run } = view;
  return {
    id: run.id,
    verb: run.verb,
    state: run.state,
    requester: run.requester,
    since: run.createdAt,
    ...(run.revertOf ? { revertOf: run.revertOf } : {}),
    ...(view.progress ? { progress: view.progress } : {}),
    ...(view.waitingFor ? { waitingFor: view.waitingFor } : {}),
  };
}

/**
 * `/mc status <service> [--env E]`: per environment the running revision and image, rollout
 * health, active runs (the lock), the last deploy and firing alerts. Every source is read
 * concurrently and on its own: one failing or slow source makes its fields "unavailable",
 * the rest still answer. Unknown service or environment: StatusInputError.
 */
export async function serviceStatus(input: ServiceStatusInput): Promise<ServiceStatus> {
  const now = input.now ?? (() => new Date());
  const timeoutMs = input.timeoutMs ?? 5_000;
  const { catalog } = input;
  const svc = Object.hasOwn(catalog.services, input.service)
    ? catalog.services[input.service]
    : undefined;
  if (!svc) {
    throw new StatusInputError(
      unknownName('service', input.service, Object.keys(catalog.services)),
    );
  }
  const envNames = Object.keys(svc.environments);
  if (input.env !== undefined && !envNames.includes(input.env)) {
    throw new StatusInputError(
      `\`${input.service}\` has no environment \`${input.env}\`. Known: ${envNames.join(', ')}.`,
    );
  }
  const at = now();
  const alertsSource = input.alertmanager
    ? ('alertmanager' as const)
    : input.prometheus
      ? ('prometheus' as const)
      : undefined;
  const [runs, alerts] = await Promise.all([
    source('the run engine', timeoutMs, () => input.engine.active()),
    alertsSource
      ? source(alertsSource === 'alertmanager' ? 'Alertmanager' : 'Prometheus', timeoutMs, () =>
          firingAlerts(input, svc.prometheus.selector),
        )
      : undefined,
  ]);

  const environments = await Promise.all(
    (input.env === undefined ? envNames : [input.env]).map(async (env) => {
      const target = resolveTarget(catalog, input.service, env);
      const [workload, lastDeploy] = await Promise.all([
        source(`Kubernetes (${target.workload.context})`, timeoutMs, () =>
          readWorkload(input.kube, target.workload),
        ),
        source('the deploy log', timeoutMs, () => input.deployLog.lastDeploy(input.service, env)),
      ]);
      const freeze = activeFreeze(catalog, env, at);
      const status: EnvironmentStatus = {
        env,
        protected: catalog.environments[env]?.protected ?? true,
        ...(freeze ? { freeze } : {}),
        workload: workload.ok
          ? { ok: true, value: summarize(workload.value, target.container) }
          : workload,
        rollout: workload.ok ? { ok: true, value: rolloutStatus(workload.value) } : workload,
        runs: runs.ok
          ? {
              ok: true,
              value: runs.value
                .filter((v) => v.run.target.service === input.service && v.run.target.env === env)
                .map(runSummary),
            }
          : runs,
        lastDeploy,
        ...(alerts
          ? {
              alerts: alerts.ok
                ? { ok: true, value: alerts.value.filter((a) => !a.env || a.env === env) }
                : alerts,
            }
          : {}),
      };
      return status;
    }),
  );
  return {
    service: input.service,
    description: svc.description,
    at,
    environments,
    ...(alertsSource ? { alertsSource } : {}),
  };
}
