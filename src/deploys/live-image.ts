import { resolveTarget } from '../actions/resolve-target.ts';
import type { KubeClients } from '../adapters/kubernetes/create-kube-clients.ts';
import { containerOf, readWorkload } from '../adapters/kubernetes/workload.ts';
import type { Catalog } from '../config/schema.ts';

/** The image the catalog container of a target runs now, read from the cluster. */
export type LiveImage = (service: string, env: string) => Promise<string>;

/** Reads the live image of a catalog target through the Kubernetes API. */
export function liveImageReader(catalog: Catalog, kube: KubeClients): LiveImage {
  return async (service, env) => {
    const target = resolveTarget(catalog, service, env);
    const workload = await readWorkload(kube, target.workload);
    return containerOf(workload, target.container).container.image ?? '(none)';
  };
}

/** The catalog container of a target, or undefined when the catalog has no such target. */
export function catalogContainer(catalog: Catalog, service: string, env: string) {
  const svc = Object.hasOwn(catalog.services, service) ? catalog.services[service] : undefined;
  return svc && Object.hasOwn(svc.environments, env) ? svc.environments[env]?.container : undefined;
}
