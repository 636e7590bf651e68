import type { Clock } from './clock.ts';
import { runDeploymentController } from './deployment-controller.ts';
import { runKubelet } from './pods.ts';
import { collectGarbage, runReplicaSetController } from './replicaset-controller.ts';
import { resourceFor } from './resources.ts';
import { runRolloutController } from './rollout-controller.ts';
import { createStore, type Store } from './store.ts';
import type { KubeObject, SeedObject } from './types.ts';
import { applyDefaults, validate } from './validate.ts';
import type { ControllerEnv } from './workloads.ts';

/** One emulated cluster: its objects and the controllers that act on them each tick. */
export interface Cluster extends ControllerEnv {
  readonly name: string;
  /** Runs one pass of every controller (GC, kubelet, ReplicaSets, Deployments, Rollouts). */
  reconcile(): void;
  /** Stores objects directly (status kept, defaults applied), bypassing HTTP. */
  seed(objects: SeedObject[]): KubeObject[];
  get(kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  list(kind: string, namespace?: string): KubeObject[];
}

/** Creates an empty cluster sharing the emulator's clock. */
export function createCluster(name: string, clock: Clock, watchCacheSize?: number): Cluster {
  const store: Store = createStore(clock, watchCacheSize);
  const env: ControllerEnv = { store, clock };
  for (const ns of ['default', 'kube-system']) {
    store.create(
      resourceFor('Namespace'),
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns }, status: { phase: 'Active' } },
      { keepStatus: true },
    );
  }
  return {
    name,
    store,
    clock,
    reconcile() {
      collectGarbage(env);
      runKubelet(env);
      runReplicaSetController(env);
      runDeploymentController(env);
      runRolloutController(env);
      // Scale changes made by the workload controllers get their pods in the same tick.
      runReplicaSetController(env);
    },
    seed(objects) {
      return objects.map((input) => {
        const resource = resourceFor(input.kind);
        const obj = structuredClone(input) as KubeObject;
        applyDefaults(obj);
        validate(resource, obj);
        return store.create(resource, obj, { keepStatus: true });
      });
    },
    get: (kind, namespace, objectName) => store.get(resourceFor(kind), namespace, objectName),
    list: (kind, namespace) => store.list(resourceFor(kind), namespace),
  };
}
