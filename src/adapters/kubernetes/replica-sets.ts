import type { KubeClients } from './create-kube-clients.ts';
import { toPlain } from './json.ts';
import { kubeCall } from './kube-error.ts';
import { selectorQuery } from './label-selector.ts';
import type { PodTemplate, Workload, WorkloadRef } from './types.ts';
import { REVISION_ANNOTATION, readWorkload } from './workload.ts';

/** A ReplicaSet a workload controls, reduced to what history and undo need. */
export interface OwnedReplicaSet {
  name: string;
  uid: string;
  revision: number;
  createdAt: string;
  annotations: Record<string, string>;
  template: PodTemplate;
  replicas: number;
  readyReplicas: number;
}

/** One line of `rollout history`: a revision, its images, when and by which ReplicaSet. */
export interface RolloutRevision {
  revision: number;
  /** Image per container name. */
  images: Record<string, string>;
  createdAt: string;
  replicaSet: string;
  changeCause: string | undefined;
  /** Whether this is the workload's current revision. */
  current: boolean;
}

interface RawReplicaSet {
  metadata?: {
    name?: string;
    uid?: string;
    creationTimestamp?: string;
    annotations?: Record<string, string>;
    ownerReferences?: { uid?: string; controller?: boolean }[];
  };
  spec?: { replicas?: number; template?: PodTemplate };
  status?: { readyReplicas?: number };
}

/**
 * The ReplicaSets `workload` controls (selector, then controller ownerReference, as kubectl
 * finds them), oldest revision first. Those without a revision annotation are left out.
 */
export async function listReplicaSets(
  kube: KubeClients,
  workload: Workload,
): Promise<OwnedReplicaSet[]> {
  const { ref } = workload;
  const c = kube.forContext(ref.context);
  const list = await kubeCall(ref, 'listing the ReplicaSets of', () =>
    c.apps.listNamespacedReplicaSet({
      namespace: ref.namespace,
      labelSelector: selectorQuery(workload.selector),
    }),
  );
  const items = toPlain<{ items?: RawReplicaSet[] }>(list).items ?? [];
  const annotation = REVISION_ANNOTATION[ref.kind];
  return items
    .filter((rs) =>
      (rs.metadata?.ownerReferences ?? []).some((o) => o.controller && o.uid === workload.uid),
    )
    .map((rs) => ({
      name: rs.metadata?.name ?? '',
      uid: rs.metadata?.uid ?? '',
      revision: Number(rs.metadata?.annotations?.[annotation] ?? Number.NaN),
      createdAt: rs.metadata?.creationTimestamp ?? '',
      annotations: rs.metadata?.annotations ?? {},
      template: rs.spec?.template ?? { spec: { containers: [] } },
      replicas: rs.spec?.replicas ?? 0,
      readyReplicas: rs.status?.readyReplicas ?? 0,
    }))
    .filter((rs) => Number.isInteger(rs.revision) && rs.revision > 0)
    .sort((a, b) => a.revision - b.revision);
}

/** Image per container of a pod template. */
export function imagesOf(template: PodTemplate): Record<string, string> {
  return Object.fromEntries((template.spec.containers ?? []).map((c) => [c.name, c.image ?? '']));
}

/** `kubectl rollout history` for a Deployment or Rollout, oldest revision first. */
export async function rolloutHistory(
  kube: KubeClients,
  ref: WorkloadRef,
): Promise<RolloutRevision[]> {
  const workload = await readWorkload(kube, ref);
  const sets = await listReplicaSets(kube, workload);
  const latest = sets.at(-1)?.revision;
  return sets.map((rs) => ({
    revision: rs.revision,
    images: imagesOf(rs.template),
    createdAt: rs.createdAt,
    replicaSet: rs.name,
    changeCause: rs.annotations['kubernetes.io/change-cause'],
    current: rs.revision === (workload.revision ?? latest),
  }));
}
