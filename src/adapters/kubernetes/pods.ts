import type { KubeClients } from './create-kube-clients.ts';
import { kubeCall } from './kube-error.ts';
import { selectorQuery } from './label-selector.ts';
import type { Workload } from './types.ts';

/** One pod of a workload, as drills and pod actions need it. */
export interface PodState {
  name: string;
  ready: boolean;
  /** Being deleted (graceful termination in progress). */
  terminating: boolean;
  createdAt: string | undefined;
  /** Container restarts, summed over the pod's containers. */
  restarts: number;
}

/** The pods the workload's selector matches, oldest first (ties by name). */
export async function listWorkloadPods(kube: KubeClients, w: Workload): Promise<PodState[]> {
  const { context, namespace } = w.ref;
  const labelSelector = selectorQuery(w.selector);
  const list = await kubeCall({ ...w.ref, kind: 'Pod', name: w.ref.name }, 'listing pods of', () =>
    kube
      .forContext(context)
      .core.listNamespacedPod({ namespace, ...(labelSelector ? { labelSelector } : {}) }),
  );
  const pods = (list.items ?? []).map((pod) => ({
    name: pod.metadata?.name ?? '',
    ready: (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    terminating: pod.metadata?.deletionTimestamp !== undefined,
    restarts: (pod.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0),
    createdAt: pod.metadata?.creationTimestamp
      ? new Date(pod.metadata.creationTimestamp).toISOString()
      : undefined,
  }));
  return pods.sort(
    (a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? '') || a.name.localeCompare(b.name),
  );
}

/** Deletes one pod gracefully (its controller starts a replacement). */
export async function deletePod(
  kube: KubeClients,
  where: { context: string; namespace: string },
  name: string,
): Promise<void> {
  await kubeCall({ ...where, kind: 'Pod', name }, 'deleting', () =>
    kube.forContext(where.context).core.deleteNamespacedPod({ name, namespace: where.namespace }),
  );
}
