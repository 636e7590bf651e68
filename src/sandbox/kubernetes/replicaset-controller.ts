import { isReady, isTerminating, newPod, terminatePod } from './pods.ts';
import { resourceFor } from './resources.ts';
import type { KubeObject } from './types.ts';
import { type ControllerEnv, desiredReplicas, isControlledBy, omitZeros } from './workloads.ts';

const PODS = resourceFor('Pod');
const REPLICA_SETS = resourceFor('ReplicaSet');

/** Pods to remove first when scaling down: not-ready before ready, then newest first. */
function deletionOrder(a: KubeObject, b: KubeObject): number {
  const readiness = Number(isReady(a)) - Number(isReady(b));
  if (readiness !== 0) return readiness;
  return b.metadata.creationTimestamp.localeCompare(a.metadata.creationTimestamp);
}

function syncReplicaSet(env: ControllerEnv, rs: KubeObject): void {
  const pods = env.store
    .list(PODS, rs.metadata.namespace)
    .filter((pod) => isControlledBy(pod, rs) && !isTerminating(pod));
  const diff = desiredReplicas(rs) - pods.length;
  for (let i = 0; i < diff; i++)
    pods.push(env.store.create(PODS, newPod(rs), { keepStatus: true }));
  if (diff < 0) {
    const doomed = [...pods].sort(deletionOrder).slice(0, -diff);
    for (const pod of doomed) terminatePod(env, pod);
    pods.splice(0, pods.length, ...pods.filter((p) => !doomed.includes(p)));
  }
  const ready = pods.filter(isReady).length;
  const status = omitZeros(
    {
      replicas: pods.length,
      fullyLabeledReplicas: pods.length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: rs.metadata.generation,
    },
    ['replicas'],
  );
  env.store.update(
    REPLICA_SETS,
    { ...rs, status, metadata: { ...rs.metadata, resourceVersion: '' } },
    { subresource: 'status' },
  );
}

/** ReplicaSet controller tick: keeps each ReplicaSet's pod count at spec.replicas and reports status. */
export function runReplicaSetController(env: ControllerEnv): void {
  for (const rs of env.store.list(REPLICA_SETS)) {
    if (!isTerminating(rs)) syncReplicaSet(env, rs);
  }
}

/** Garbage collector tick: deletes ReplicaSets and pods whose controlling owner is gone. */
export function collectGarbage(env: ControllerEnv): void {
  for (const resource of [REPLICA_SETS, PODS]) {
    for (const obj of env.store.list(resource)) {
      const owner = obj.metadata.ownerReferences?.find((ref) => ref.controller);
      if (!owner) continue;
      const ownerResource = resourceFor(owner.kind);
      const alive = env.store.get(ownerResource, obj.metadata.namespace, owner.name);
      if (!alive || alive.metadata.uid !== owner.uid) {
        env.store.remove(resource, obj.metadata.namespace, obj.metadata.name);
      }
    }
  }
}
