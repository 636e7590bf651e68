import { badRequest } from './errors.ts';
import { isObject } from './json.ts';
import { selectorString } from './label-selector.ts';
import type { KubeObject } from './types.ts';
import { specOf } from './workloads.ts';

/** The autoscaling/v1 Scale view of a workload, as its /scale subresource answers it. */
export function scaleOf(obj: KubeObject) {
  const status = (obj.status ?? {}) as { replicas?: number; selector?: string };
  const { name, namespace, uid, resourceVersion, creationTimestamp } = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: specOf(obj).replicas ?? 1 },
    status: {
      replicas: status.replicas ?? 0,
      selector:
        obj.kind === 'Rollout'
          ? (status.selector ?? selectorString(specOf(obj).selector))
          : selectorString(specOf(obj).selector),
    },
  };
}

/** The workload with spec.replicas taken from a Scale body (resourceVersion carried as precondition). */
export function applyScale(obj: KubeObject, scale: unknown): KubeObject {
  if (!isObject(scale) || !isObject(scale.spec)) throw badRequest('Scale body must have a spec');
  const replicas = scale.spec.replicas ?? 0;
  if (typeof replicas !== 'number') throw badRequest('Scale spec.replicas must be a number');
  const meta = isObject(scale.metadata) ? scale.metadata : {};
  const resourceVersion = typeof meta.resourceVersion === 'string' ? meta.resourceVersion : '';
  return {
    ...obj,
    metadata: { ...obj.metadata, resourceVersion },
    spec: { ...(obj.spec as object), replicas },
  };
}
