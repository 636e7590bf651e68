import type { KubeObject } from './types.ts';
import {
  type ControllerEnv,
  desiredReplicas,
  intOrPercent,
  rsStatus,
  scaleReplicaSet,
  specOf,
} from './workloads.ts';

/** maxSurge and maxUnavailable resolved against spec.replicas (both 0 → maxUnavailable 1). */
export function rollingLimits(deployment: KubeObject): {
  maxSurge: number;
  maxUnavailable: number;
} {
  const spec = specOf(deployment);
  const desired = spec.replicas ?? 1;
  if (spec.strategy?.type === 'Recreate') return { maxSurge: 0, maxUnavailable: 0 };
  const rolling = spec.strategy?.rollingUpdate ?? {};
  const maxSurge = intOrPercent(rolling.maxSurge ?? '25%', desired, true);
  let maxUnavailable = intOrPercent(rolling.maxUnavailable ?? '25%', desired, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable: Math.min(maxUnavailable, desired) };
}

const sumSpec = (sets: KubeObject[]) => sets.reduce((n, rs) => n + desiredReplicas(rs), 0);

/** Scales the new ReplicaSet up within maxSurge (or down to spec.replicas); true if it changed. */
function reconcileNew(
  env: ControllerEnv,
  deployment: KubeObject,
  newRS: KubeObject,
  all: KubeObject[],
): boolean {
  const desired = desiredReplicas(deployment);
  const current = desiredReplicas(newRS);
  if (current === desired) return false;
  if (current > desired) {
    scaleReplicaSet(env, newRS, desired);
    return true;
  }
  const maxTotal = desired + rollingLimits(deployment).maxSurge;
  const room = maxTotal - sumSpec(all);
  if (room <= 0) return false;
  scaleReplicaSet(env, newRS, current + Math.min(room, desired - current));
  return true;
}

/** Scales old ReplicaSets down while keeping minAvailable pods; true if anything changed. */
function reconcileOld(
  env: ControllerEnv,
  deployment: KubeObject,
  newRS: KubeObject,
  old: KubeObject[],
): boolean {
  const desired = desiredReplicas(deployment);
  const oldPods = sumSpec(old);
  if (oldPods === 0) return false;
  const all = [newRS, ...old];
  const minAvailable = desired - rollingLimits(deployment).maxUnavailable;
  const newUnavailable = desiredReplicas(newRS) - rsStatus(newRS).availableReplicas;
  const maxScaledDown = sumSpec(all) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  let changed = false;
  // First drop old pods that are not available anyway: they cost no availability.
  let cleaned = 0;
  for (const [i, rs] of old.entries()) {
    const spec = desiredReplicas(rs);
    const unhealthy = spec - rsStatus(rs).availableReplicas;
    if (spec === 0 || unhealthy <= 0 || cleaned >= maxScaledDown) continue;
    const count = Math.min(maxScaledDown - cleaned, unhealthy);
    old[i] = scaleReplicaSet(env, rs, spec - count);
    cleaned += count;
    changed = true;
  }
  const available = all.reduce((n, rs) => n + rsStatus(rs).availableReplicas, 0);
  let budget = Math.min(available - minAvailable, maxScaledDown - cleaned);
  for (const rs of old) {
    if (budget <= 0) break;
    const spec = desiredReplicas(rs);
    if (spec === 0) continue;
    const count = Math.min(spec, budget);
    scaleReplicaSet(env, rs, spec - count);
    budget -= count;
    changed = true;
  }
  return changed;
}

/** One RollingUpdate step, as the deployment controller's rolloutRolling does it. */
export function rolloutRolling(
  env: ControllerEnv,
  deployment: KubeObject,
  newRS: KubeObject,
  old: KubeObject[],
): void {
  if (reconcileNew(env, deployment, newRS, [newRS, ...old])) return;
  reconcileOld(env, deployment, newRS, old);
}

/** One Recreate step: old pods all go first, then the new ReplicaSet scales to spec.replicas. */
export function rolloutRecreate(
  env: ControllerEnv,
  deployment: KubeObject,
  newRS: KubeObject,
  old: KubeObject[],
): void {
  let waiting = false;
  for (const rs of old) {
    if (desiredReplicas(rs) > 0) scaleReplicaSet(env, rs, 0);
    if (desiredReplicas(rs) > 0 || rsStatus(rs).replicas > 0) waiting = true;
  }
  if (!waiting) scaleReplicaSet(env, newRS, desiredReplicas(deployment));
}

/** While paused or settled: the only active ReplicaSet follows spec.replicas (kubectl scale). */
export function scaleOnly(env: ControllerEnv, deployment: KubeObject, all: KubeObject[]): void {
  const active = all.filter((rs) => desiredReplicas(rs) > 0);
  const target = active.length === 1 ? active[0] : undefined;
  if (target) scaleReplicaSet(env, target, desiredReplicas(deployment));
}
