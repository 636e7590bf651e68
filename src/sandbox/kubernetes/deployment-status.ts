import { rollingLimits } from './deployment-rollout.ts';
import { resourceFor } from './resources.ts';
import type { Condition, KubeObject } from './types.ts';
import { type ControllerEnv, desiredReplicas, omitZeros, rsStatus, specOf } from './workloads.ts';

const DEPLOYMENTS = resourceFor('Deployment');

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  collisionCount?: number;
  conditions?: Condition[];
}

/** The deployment's current status block (empty object before the controller's first pass). */
export function statusOf(deployment: KubeObject): DeploymentStatus {
  return (deployment.status ?? {}) as DeploymentStatus;
}

/**
 * SetDeploymentCondition: no-op when status and reason are unchanged; keeps lastTransitionTime
 * when only the reason changes.
 */
export function setCondition(status: DeploymentStatus, next: Condition): void {
  const conditions = status.conditions ?? [];
  const at = conditions.findIndex((c) => c.type === next.type);
  const current = conditions[at];
  if (current && current.status === next.status && current.reason === next.reason) return;
  const merged =
    current?.status === next.status
      ? { ...next, lastTransitionTime: current.lastTransitionTime }
      : next;
  if (at >= 0) conditions[at] = merged;
  else conditions.push(merged);
  status.conditions = conditions;
}

function condition(
  env: ControllerEnv,
  type: string,
  ok: Condition['status'],
  reason: string,
  message: string,
): Condition {
  const now = env.clock.iso();
  return { type, status: ok, lastUpdateTime: now, lastTransitionTime: now, reason, message };
}

/** The Progressing condition that follows from old → new status (complete, progressing, timed out). */
function progressing(
  env: ControllerEnv,
  d: KubeObject,
  prev: DeploymentStatus,
  next: DeploymentStatus,
  rsName: string,
) {
  const desired = desiredReplicas(d);
  const complete =
    next.updatedReplicas === desired &&
    next.replicas === desired &&
    next.availableReplicas === desired &&
    (next.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
  const n = (v: number | undefined) => v ?? 0;
  const moved =
    n(next.replicas) - n(next.updatedReplicas) < n(prev.replicas) - n(prev.updatedReplicas) ||
    n(next.updatedReplicas) > n(prev.updatedReplicas) ||
    n(next.readyReplicas) > n(prev.readyReplicas) ||
    n(next.availableReplicas) > n(prev.availableReplicas);
  if (complete) {
    setCondition(
      next,
      condition(
        env,
        'Progressing',
        'True',
        'NewReplicaSetAvailable',
        `ReplicaSet "${rsName}" has successfully progressed.`,
      ),
    );
  } else if (moved) {
    const current = next.conditions?.find((c) => c.type === 'Progressing');
    const fresh = condition(
      env,
      'Progressing',
      'True',
      'ReplicaSetUpdated',
      `ReplicaSet "${rsName}" is progressing.`,
    );
    if (current?.status === 'True') fresh.lastTransitionTime = current.lastTransitionTime;
    next.conditions = [...(next.conditions ?? []).filter((c) => c !== current), fresh];
  } else if (timedOut(env, d, next)) {
    setCondition(
      next,
      condition(
        env,
        'Progressing',
        'False',
        'ProgressDeadlineExceeded',
        `ReplicaSet "${rsName}" has timed out progressing.`,
      ),
    );
  }
}

/** DeploymentTimedOut: no progress since the Progressing condition's lastUpdateTime + deadline. */
function timedOut(env: ControllerEnv, d: KubeObject, status: DeploymentStatus): boolean {
  const deadline = specOf(d).progressDeadlineSeconds;
  const current = status.conditions?.find((c) => c.type === 'Progressing');
  if (deadline === undefined || !current || current.reason === 'NewReplicaSetAvailable')
    return false;
  if (current.reason === 'ProgressDeadlineExceeded') return true;
  const from = Date.parse(current.lastUpdateTime ?? '');
  return Number.isFinite(from) && from + deadline * 1000 < env.clock.now();
}

/** Computes and stores a Deployment's status from its ReplicaSets, with its conditions. */
export function syncDeploymentStatus(
  env: ControllerEnv,
  deployment: KubeObject,
  newRS: KubeObject | undefined,
  all: KubeObject[],
  extra: Condition | undefined,
): void {
  const prev = statusOf(deployment);
  const desired = desiredReplicas(deployment);
  const sum = (pick: (rs: KubeObject) => number) => all.reduce((n, rs) => n + pick(rs), 0);
  const available = sum((rs) => rsStatus(rs).availableReplicas);
  const next: DeploymentStatus = {
    observedGeneration: deployment.metadata.generation,
    replicas: sum((rs) => rsStatus(rs).replicas),
    updatedReplicas: newRS ? rsStatus(newRS).replicas : 0,
    readyReplicas: sum((rs) => rsStatus(rs).readyReplicas),
    availableReplicas: available,
    unavailableReplicas: Math.max(sum(desiredReplicas) - available, 0),
    collisionCount: prev.collisionCount,
    conditions: structuredClone(prev.conditions ?? []),
  };
  const minimum = desired - rollingLimits(deployment).maxUnavailable;
  setCondition(
    next,
    available >= minimum
      ? condition(
          env,
          'Available',
          'True',
          'MinimumReplicasAvailable',
          'Deployment has minimum availability.',
        )
      : condition(
          env,
          'Available',
          'False',
          'MinimumReplicasUnavailable',
          'Deployment does not have minimum availability.',
        ),
  );
  if (extra) setCondition(next, extra);
  if (!specOf(deployment).paused && newRS)
    progressing(env, deployment, prev, next, newRS.metadata.name);
  const status = omitZeros({
    ...next,
    conditions: next.conditions?.length ? next.conditions : undefined,
  });
  env.store.update(
    DEPLOYMENTS,
    { ...deployment, status, metadata: { ...deployment.metadata, resourceVersion: '' } },
    { subresource: 'status' },
  );
}

/** A condition stamped with the clock, for callers that set one explicitly (paused, created...). */
export function newCondition(
  env: ControllerEnv,
  type: string,
  ok: Condition['status'],
  reason: string,
  message: string,
): Condition {
  return condition(env, type, ok, reason, message);
}
