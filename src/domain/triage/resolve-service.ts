import type { Catalog } from '../catalog/schema.ts';
import { envHints, serviceByConvention } from './resolve-conventions.ts';

/** Labels whose value may name a catalog service (or its workload), in the order tried. */
export const SERVICE_LABELS = [
  'service',
  'app',
  'app_kubernetes_io_name',
  'job',
  'deployment',
  'container',
  'sloth_service',
] as const;

/** Labels naming a Kubernetes object whose name starts with the workload's name. */
const OBJECT_LABELS = ['pod', 'statefulset', 'replicaset', 'horizontalpodautoscaler', 'rollout'];

const ENV_ALIASES: Record<string, string[]> = {
  prod: ['production', 'prd', 'live'],
  staging: ['stage', 'stg', 'preprod', 'pre-production'],
};

export interface ResolvedService {
  service: string;
  env: string;
  /** How: `label app`, `namespace checkout + pod checkout-7d9f-x2x`, ... */
  via: string;
}

/**
 * The production-most environment: the first protected one in catalog order, else the
 * catalog's default. Alerts and pages that name no environment come from there far more often
 * than from staging, so that is where triage looks first.
 */
export function productionMost(catalog: Catalog, among?: string[]): string {
  const names = Object.keys(catalog.environments).filter((e) => !among || among.includes(e));
  const protectedEnv = names.find((e) => catalog.environments[e]?.protected);
  return (
    protectedEnv ??
    (names.includes(catalog.defaults.environment)
      ? catalog.defaults.environment
      : (names[0] ?? catalog.defaults.environment))
  );
}

/** A service by its name or, when unique, by its workload (or, for `container`, container) name. */
function serviceNamed(catalog: Catalog, value: string, label: string): string | undefined {
  if (Object.hasOwn(catalog.services, value)) return value;
  const owners = Object.entries(catalog.services).filter(([, s]) =>
    Object.values(s.environments).some(
      (e) => e.workload.name === value || (label === 'container' && e.container === value),
    ),
  );
  return owners.length === 1 ? owners[0]?.[0] : undefined;
}

/**
 * Services with a workload in `namespace` (and, given `object`, whose name is it or prefixes it,
 * `checkout-7d9f-x`; the longest prefix wins, so `payments-worker-5d8f-x` is payments-worker).
 */
function serviceInNamespace(catalog: Catalog, namespace: string, object?: string): string[] {
  const scored = Object.entries(catalog.services).map(([name, s]) => {
    const lengths = Object.values(s.environments)
      .filter((e) => e.namespace === namespace)
      .map((e) => e.workload.name)
      .filter((w) => object === undefined || object === w || object.startsWith(`${w}-`))
      .map((w) => w.length);
    return { name, score: lengths.length > 0 ? Math.max(...lengths) : -1 };
  });
  if (object === undefined) return scored.filter((s) => s.score >= 0).map((s) => s.name);
  const best = Math.max(-1, ...scored.map((s) => s.score));
  return best < 0 ? [] : scored.filter((s) => s.score === best).map((s) => s.name);
}

/**
 * Finds the catalog service a set of labels is about: `exported_service` (an ingress's
 * backend: Prometheus renamed it because `service` is the scrape target's), then `service`,
 * `app`, `app_kubernetes_io_name`, `job`, `deployment`, `container`, `sloth_service` (first that
 * names a service or a unique workload), then the conventions of resolve-conventions.ts
 * (`application`, `owns:` globs, consumer groups, topics, queues, host names), then
 * `namespace` + a pod (or other object) name prefixed by a workload's name, then a namespace
 * only one service uses. `link` (the generatorURL) may tell the environment.
 */
export function resolveService(
  labels: Record<string, string>,
  catalog: Catalog,
  link?: string,
): ResolvedService | undefined {
  let found: { service: string; via: string; namespace?: string } | undefined;
  const exported = labels.exported_service;
  if (exported && Object.hasOwn(catalog.services, exported)) {
    found = { service: exported, via: 'label exported_service' };
    if (labels.exported_namespace) found.namespace = labels.exported_namespace;
  }
  for (const label of found ? [] : SERVICE_LABELS) {
    const value = labels[label];
    const service = value ? serviceNamed(catalog, value, label) : undefined;
    if (service) {
      found = { service, via: `label ${label}` };
      break;
    }
  }
  found ??= serviceByConvention(labels, catalog);
  const namespace = labels.exported_namespace ?? labels.namespace;
  if (!found && namespace) {
    for (const label of OBJECT_LABELS) {
      const object = labels[label];
      const owners = object ? serviceInNamespace(catalog, namespace, object) : [];
      if (owners.length === 1 && owners[0]) {
        found = { service: owners[0], via: `namespace ${namespace} + ${label} ${object}` };
        break;
      }
    }
    const owners = found ? [] : serviceInNamespace(catalog, namespace);
    if (owners.length === 1 && owners[0])
      found = { service: owners[0], via: `namespace ${namespace}` };
  }
  if (!found) return undefined;
  const where = { ...labels };
  const ns = found.namespace ?? labels.exported_namespace;
  if (ns) where.namespace = ns;
  return {
    service: found.service,
    via: found.via,
    env: resolveEnv(where, catalog, found.service, link),
  };
}

/**
 * The environment of a signal about `service`: an `env`/`environment` label (or a common alias
 * such as `production`), else the one environment named in where the alert was evaluated
 * (`cluster`, `prometheus`, `tenant` labels, the generatorURL's host), else the one environment
 * whose namespace and cluster fit the `namespace`/`cluster` labels, else the service's
 * production-most environment.
 */
export function resolveEnv(
  labels: Record<string, string>,
  catalog: Catalog,
  service?: string,
  link?: string,
): string {
  const spec = service ? catalog.services[service] : undefined;
  const envs = spec ? Object.keys(spec.environments) : Object.keys(catalog.environments);
  for (const label of ['env', 'environment']) {
    const named = envNamed(labels[label], envs);
    if (named) return named;
  }
  const hinted = [...new Set(envHints(labels, link).flatMap((w) => envNamed(w, envs) ?? []))];
  if (hinted.length === 1 && hinted[0]) return hinted[0];
  if (spec) {
    const { namespace, cluster } = labels;
    const fits = envs.filter((name) => {
      const e = spec.environments[name];
      if (!e) return false;
      const nsFits = !namespace || e.namespace === namespace;
      const clusterFits =
        !cluster || e.context === cluster || e.context.split(/[_/:.]/).includes(cluster);
      return nsFits && clusterFits;
    });
    if (fits.length === 1 && fits[0] && (namespace || cluster)) return fits[0];
  }
  return productionMost(catalog, envs);
}

/** An environment by name or alias (`production` → `prod`), if the list has it. */
export function envNamed(value: string | undefined, envs: string[]): string | undefined {
  if (!value) return undefined;
  const lower = value.toLowerCase();
  if (envs.includes(lower)) return lower;
  return envs.find((env) => ENV_ALIASES[env]?.includes(lower));
}
