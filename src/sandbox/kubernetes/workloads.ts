import type { Clock } from './clock.ts';
import { resourceFor } from './resources.ts';
import type { Store } from './store.ts';
import type { KubeObject, LabelSelector, OwnerReference, PodTemplate } from './types.ts';

/** What every controller needs: the cluster's store and its clock. */
export interface ControllerEnv {
  store: Store;
  clock: Clock;
}

export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';

export interface WorkloadSpec {
  replicas?: number;
  selector?: LabelSelector;
  template: PodTemplate;
  paused?: boolean;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  progressDeadlineSeconds?: number;
  strategy?: {
    type?: string;
    rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string };
  };
}

export interface ReplicaSetStatus {
  replicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
}

/** The spec of a Deployment, ReplicaSet or Rollout, typed for the fields controllers read. */
export function specOf(obj: KubeObject): WorkloadSpec {
  return obj.spec as WorkloadSpec;
}

/** A ReplicaSet's observed pod counts (zeros when the controller has not written status yet). */
export function rsStatus(rs: KubeObject): Required<ReplicaSetStatus> {
  const status = (rs.status ?? {}) as ReplicaSetStatus;
  return {
    replicas: status.replicas ?? 0,
    readyReplicas: status.readyReplicas ?? 0,
    availableReplicas: status.availableReplicas ?? 0,
  };
}

/** spec.replicas of a ReplicaSet (Kubernetes defaults it to 1). */
export function desiredReplicas(obj: KubeObject): number {
  return specOf(obj).replicas ?? 1;
}

/** The numeric revision annotation of a ReplicaSet (0 when absent). */
export function revisionOf(obj: KubeObject, annotation = REVISION): number {
  const value = Number(obj.metadata.annotations?.[annotation] ?? '0');
  return Number.isFinite(value) ? value : 0;
}

/** An ownerReference marking `owner` as the controller of a dependent. */
export function controllerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Whether `owner` is the controller of `obj`. */
export function isControlledBy(obj: KubeObject, owner: KubeObject): boolean {
  return (obj.metadata.ownerReferences ?? []).some(
    (ref) => ref.controller && ref.uid === owner.metadata.uid,
  );
}

/** The ReplicaSets a Deployment or Rollout controls, oldest first. */
export function ownedReplicaSets(env: ControllerEnv, owner: KubeObject): KubeObject[] {
  return env.store
    .list(resourceFor('ReplicaSet'), owner.metadata.namespace)
    .filter((rs) => isControlledBy(rs, owner))
    .sort(
      (a, b) =>
        a.metadata.creationTimestamp.localeCompare(b.metadata.creationTimestamp) ||
        a.metadata.name.localeCompare(b.metadata.name),
    );
}

/** Sets a ReplicaSet's spec.replicas (a no-op write when unchanged). */
export function scaleReplicaSet(env: ControllerEnv, rs: KubeObject, replicas: number): KubeObject {
  if (desiredReplicas(rs) === replicas) return rs;
  const spec = { ...specOf(rs), replicas };
  return env.store.update(resourceFor('ReplicaSet'), {
    ...rs,
    spec,
    metadata: { ...rs.metadata, resourceVersion: '' },
  });
}

/** Resolves an int-or-percent (`25%`) against a total, rounding as Kubernetes does per field. */
export function intOrPercent(
  value: number | string | undefined,
  total: number,
  roundUp: boolean,
): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  const match = /^(\d+)%$/.exec(value);
  if (!match) return Number.parseInt(value, 10) || 0;
  const exact = (Number(match[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** Drops zero counters, as the API server's omitempty JSON does. */
export function omitZeros<T extends Record<string, unknown>>(status: T, keep: string[] = []): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(status)) {
    if (value === undefined) continue;
    if (value === 0 && !keep.includes(key)) continue;
    out[key] = value;
  }
  return out as T;
}
