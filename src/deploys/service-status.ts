import { resolveTarget } from '../actions/resolve-target.ts';
import type { KubeClients } from '../adapters/kubernetes/create-kube-clients.ts';
import { rolloutStatus } from '../adapters/kubernetes/rollout-status.ts';
import type { Workload } from '../adapters/kubernetes/types.ts';
import { readWorkload } from '../adapters/kubernetes/workload.ts';
import { type Catalog, unknownName } from '../config/schema.ts';
import type { DeployRecord } from '../domain/deploys/deploy-record.ts';
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
import { detectExternalChange } from './detect-external-change.ts';
import { type AlertSources, firingAlerts } from './firing-alerts.ts';

/** What status reads; alerts come from `alertmanager`, else `prometheus`, else are left out. */
export interface ServiceStatusInput extends AlertSources {
  service: string;
  /** One environment; all of the service's when absent. */
  env?: string;
  catalog: Catalog;
  kube: KubeClients;
  engine: Pick<RunEngine, 'active'>;
  /** With `recordDeploy`, an image no record explains is recorded as a change made outside mc. */
  deployLog: Pick<DeployLog, 'lastDeploy'> & Partial<Pick<DeployLog, 'recordDeploy'>>;
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

function sameTarget(view: RunView, service: string, env: string): boolean {
  return view.run.target.service === service && view.run.target.env === env;
}

/**
 * The newest change of the target as status shows it: when the cluster runs an image the
 * change log does not explain, the change made outside mc is recorded first, so status and the
 * log agree with the cluster. A failure to record is shown as the log being unavailable.
 */
async function withExternalChange(
  input: ServiceStatusInput,
  env: string,
  read: {
    workload: Sourced<Workload>;
    lastDeploy: Sourced<DeployRecord | undefined>;
    busy: boolean;
    container: string;
  },
): Promise<Sourced<DeployRecord | undefined>> {
  const record = input.deployLog.recordDeploy;
  if (!record || !read.workload.ok || !read.lastDeploy.ok) return read.lastDeploy;
  const live = summarize(read.workload.value, read.container).image;
  try {
    const external = await detectExternalChange({
      deployLog: { recordDeploy: record.bind(input.deployLog) },
      last: read.lastDeploy.value,
      service: input.service,
      env,
      liveImage: live,
      busy: read.busy,
    });
    return external ? { ok: true, value: external } : read.lastDeploy;
  } catch (error) {
    return { ok: false, unavailable: describeError(error) };
  }
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
      const lastChange = await withExternalChange(input, env, {
        workload,
        lastDeploy,
        busy: !runs.ok || runs.value.some((v) => sameTarget(v, input.service, env)),
        container: target.container,
      });
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
              value: runs.value.filter((v) => sameTarget(v, input.service, env)).map(runSummary),
            }
          : runs,
        lastDeploy: lastChange,
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
