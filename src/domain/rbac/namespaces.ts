import type { Catalog } from '../catalog/schema.ts';
import type { KubeWorkloadKind } from './types.ts';

/** One namespace of one cluster that an environment's services live in. */
export interface CatalogNamespace {
  context: string;
  namespace: string;
  /** Workload names per kind mapped there (what `workload: true` rules name). */
  workloads: Map<KubeWorkloadKind, string[]>;
}

/** Every (context, namespace) the catalog maps the services of `env` to, in a stable order. */
export function namespacesOf(catalog: Catalog, env: string): CatalogNamespace[] {
  const found = new Map<string, CatalogNamespace>();
  for (const service of Object.values(catalog.services)) {
    const where = service.environments[env];
    if (!where) continue;
    const key = `${where.context}\u0000${where.namespace}`;
    const ns = found.get(key) ?? {
      context: where.context,
      namespace: where.namespace,
      workloads: new Map(),
    };
    found.set(key, ns);
    const names = ns.workloads.get(where.workload.kind) ?? [];
    if (!names.includes(where.workload.name)) names.push(where.workload.name);
    ns.workloads.set(where.workload.kind, names.sort());
  }
  return [...found.values()].sort(
    (a, b) => a.context.localeCompare(b.context) || a.namespace.localeCompare(b.namespace),
  );
}
