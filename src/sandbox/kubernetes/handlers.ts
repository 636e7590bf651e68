import type { ApiRequest, ApiResponse, ResourceRoute } from './api-types.ts';
import { applyPatch, patchTypeOf } from './apply-patch.ts';
import { badRequest, conflict, type KubeError, notFound, unsupported } from './errors.ts';
import { handleDelete } from './handle-delete.ts';
import { isObject, type Json } from './json.ts';
import { apiVersionOf } from './resources.ts';
import { applyScale, scaleOf } from './scale.ts';
import { objectFilter } from './selectors.ts';
import { checkSameObject } from './store.ts';
import type { KubeObject, SeedObject } from './types.ts';
import { applyDefaults, validate } from './validate.ts';
import type { ControllerEnv } from './workloads.ts';

export type { ApiRequest, ApiResponse, ResourceRoute } from './api-types.ts';

/** Status the API server itself gives new objects of these kinds. */
const INITIAL_STATUS: Record<string, Record<string, string>> = {
  Pod: { phase: 'Pending', qosClass: 'BestEffort' },
  Namespace: { phase: 'Active' },
};

function methodNotAllowed(): KubeError {
  return unsupported(405, 'the server does not allow this method on the requested resource');
}

function bodyObject(body: unknown): SeedObject {
  if (!isObject(body) || !isObject(body.metadata))
    throw badRequest("Object 'metadata' is missing in the request body");
  return body as unknown as SeedObject;
}

function list(env: ControllerEnv, route: ResourceRoute, query: URLSearchParams): ApiResponse {
  const { resource } = route;
  const items = env.store
    .list(resource, route.namespace)
    .filter(objectFilter(resource, query))
    // Built-in lists carry kind/apiVersion once, on the list; custom resources keep them per item.
    .map((o) => (resource.custom ? o : (({ kind: _k, apiVersion: _a, ...rest }) => rest)(o)));
  const body = {
    kind: `${resource.kind}List`,
    apiVersion: apiVersionOf(resource),
    metadata: { resourceVersion: env.store.resourceVersion() },
    items,
  };
  return { status: 200, body };
}

function current(env: ControllerEnv, route: ResourceRoute): KubeObject {
  const name = route.name ?? '';
  const found = env.store.get(route.resource, route.namespace, name);
  if (!found) throw notFound(route.resource, name);
  return found;
}

/** Validates, defaults and stores a full object for PUT or PATCH on the main resource, /status or /scale. */
function write(
  env: ControllerEnv,
  route: ResourceRoute,
  next: KubeObject,
  dryRun: boolean,
): ApiResponse {
  const previous = current(env, route);
  checkSameObject(route, next);
  next.metadata.namespace = route.namespace ?? next.metadata.namespace;
  if (route.subresource === 'status') {
    const stored = env.store.update(route.resource, next, { subresource: 'status', dryRun });
    return { status: 200, body: stored };
  }
  applyDefaults(next);
  validate(route.resource, next, previous);
  const stored = env.store.update(route.resource, next, { dryRun });
  return { status: 200, body: route.subresource === 'scale' ? scaleOf(stored) : stored };
}

function create(
  env: ControllerEnv,
  route: ResourceRoute,
  body: unknown,
  dryRun: boolean,
): ApiResponse {
  const input = bodyObject(body) as KubeObject;
  checkSameObject({ namespace: route.namespace }, input);
  if (route.namespace) input.metadata.namespace = route.namespace;
  delete (input.metadata as Partial<KubeObject['metadata']>).resourceVersion;
  input.kind = route.resource.kind;
  input.apiVersion = apiVersionOf(route.resource);
  applyDefaults(input);
  validate(route.resource, input);
  const initial = INITIAL_STATUS[route.resource.kind];
  if (initial) input.status = { ...initial };
  const stored = env.store.create(route.resource, input, {
    dryRun,
    keepStatus: initial !== undefined,
  });
  return { status: 201, body: stored };
}

function patch(
  env: ControllerEnv,
  route: ResourceRoute,
  req: ApiRequest,
  dryRun: boolean,
): ApiResponse {
  const type = patchTypeOf(route.resource, req.contentType);
  const existing = current(env, route);
  const target = route.subresource === 'scale' ? scaleOf(existing) : existing;
  const patched = applyPatch(type, target as unknown as Json, req.body as Json);
  if (!isObject(patched) || !isObject(patched.metadata))
    throw badRequest('patch removed the object metadata');
  const wanted = patched.metadata.resourceVersion;
  // A resourceVersion in the patch is a precondition, exactly like on PUT.
  if (typeof wanted === 'string' && wanted !== existing.metadata.resourceVersion)
    throw conflict(route.resource, existing.metadata.name);
  const next =
    route.subresource === 'scale'
      ? applyScale(existing, patched)
      : (patched as unknown as KubeObject);
  return write(env, route, next, dryRun);
}

/** Serves one REST call on a known resource path, as the API server would. */
export function handleApiRequest(env: ControllerEnv, req: ApiRequest): ApiResponse {
  const { route, method } = req;
  const dryRun = req.query.get('dryRun') === 'All';
  if (route.name === undefined) {
    if (method === 'GET') return list(env, route, req.query);
    if (method === 'POST') return create(env, route, req.body, dryRun);
    throw methodNotAllowed();
  }
  switch (method) {
    case 'GET': {
      const found = current(env, route);
      return { status: 200, body: route.subresource === 'scale' ? scaleOf(found) : found };
    }
    case 'PUT': {
      const body = bodyObject(req.body);
      const next =
        route.subresource === 'scale'
          ? applyScale(current(env, route), body)
          : (body as KubeObject);
      return write(env, route, next, dryRun);
    }
    case 'PATCH':
      return patch(env, route, req, dryRun);
    case 'DELETE':
      if (route.subresource) throw methodNotAllowed();
      return handleDelete(env, route, req, current(env, route));
    default:
      throw methodNotAllowed();
  }
}
