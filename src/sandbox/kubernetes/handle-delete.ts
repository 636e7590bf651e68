import type { ApiRequest, ApiResponse, ResourceRoute } from './api-types.ts';
import { conflict } from './errors.ts';
import { isObject } from './json.ts';
import { terminatePod } from './pods.ts';
import { type ResourceDef, resourceFor } from './resources.ts';
import type { KubeObject } from './types.ts';
import type { ControllerEnv } from './workloads.ts';

/**
 * DELETE of one object: preconditions (uid, resourceVersion), Orphan propagation, graceful pod
 * termination; dependents of anything else are garbage-collected on the next tick.
 */
export function handleDelete(
  env: ControllerEnv,
  route: ResourceRoute,
  req: ApiRequest,
  existing: KubeObject,
): ApiResponse {
  const options = isObject(req.body) ? req.body : {};
  const pre = isObject(options.preconditions) ? options.preconditions : {};
  if (pre.uid && pre.uid !== existing.metadata.uid) {
    throw conflict(
      route.resource,
      existing.metadata.name,
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${existing.metadata.uid}`,
    );
  }
  if (pre.resourceVersion && pre.resourceVersion !== existing.metadata.resourceVersion) {
    throw conflict(
      route.resource,
      existing.metadata.name,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${existing.metadata.resourceVersion}`,
    );
  }
  if (req.query.get('dryRun') === 'All') return { status: 200, body: existing };
  const grace = Number(req.query.get('gracePeriodSeconds') ?? options.gracePeriodSeconds ?? 30);
  const policy = req.query.get('propagationPolicy') ?? options.propagationPolicy;
  if (policy === 'Orphan') orphanDependents(env, existing);
  if (route.resource.kind === 'Pod' && grace > 0)
    return { status: 200, body: terminatePod(env, existing, grace) };
  const removed = env.store.remove(route.resource, route.namespace, existing.metadata.name);
  if (route.resource.returnsDeleted) return { status: 200, body: removed };
  return { status: 200, body: successStatus(route.resource, removed) };
}

function successStatus(resource: ResourceDef, removed: KubeObject) {
  const details = {
    name: removed.metadata.name,
    ...(resource.group ? { group: resource.group } : {}),
    kind: resource.plural,
    uid: removed.metadata.uid,
  };
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}

function orphanDependents(env: ControllerEnv, owner: KubeObject): void {
  for (const resource of [resourceFor('ReplicaSet'), resourceFor('Pod')]) {
    for (const dep of env.store.list(resource, owner.metadata.namespace)) {
      const refs = dep.metadata.ownerReferences ?? [];
      const kept = refs.filter((r) => r.uid !== owner.metadata.uid);
      if (kept.length === refs.length) continue;
      const metadata = { ...dep.metadata, ownerReferences: kept, resourceVersion: '' };
      env.store.update(resource, { ...dep, metadata });
    }
  }
}

/** Serves one REST call on a known resource path, as the API server would. */
