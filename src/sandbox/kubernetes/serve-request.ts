import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerReview } from './access-review.ts';
import { authenticate, impersonation, type KubeUser, type UserInfo } from './authn.ts';
import type { Cluster } from './cluster.ts';
import { KubeError, unsupported } from './errors.ts';
import { type ApiResponse, handleApiRequest, type ResourceRoute } from './handlers.ts';
import { isObject } from './json.ts';
import { type Attributes, authorize, forbidden } from './rbac.ts';
import type { Route } from './routes.ts';
import { isWatch, serveWatch, type WatchOptions } from './serve-watch.ts';
import { tableRequested, toTable } from './table.ts';
import type { KubeObject } from './types.ts';

/** How the emulator authenticates and authorizes: see KubeEmulatorOptions. */
export interface AccessOptions {
  rbac: boolean;
  users: readonly KubeUser[];
}

export interface ServeInput {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  path: string;
  url: URL;
  route: Route | undefined;
  cluster: Cluster;
  body: unknown;
  access: AccessOptions;
  watch: WatchOptions;
  /** Told who the request runs as, once authenticated (and impersonation allowed). */
  onUser?: (user: UserInfo) => void;
}

const VERBS: Record<string, string> = {
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

function attributesOf(input: ServeInput): Attributes {
  const { route, method } = input;
  if (!route || route.type === 'discovery')
    return {
      verb: method === 'GET' ? 'get' : (VERBS[method] ?? method.toLowerCase()),
      path: input.path,
    };
  const watch = isWatch(input.url.searchParams) && !route.subresource;
  const read = watch ? 'watch' : route.name !== undefined ? 'get' : 'list';
  return {
    verb: method === 'GET' ? read : (VERBS[method] ?? method.toLowerCase()),
    group: route.resource.group,
    resource: route.resource.plural,
    subresource: route.subresource,
    namespace: route.namespace,
    name: route.name,
  };
}

/** The requester, or the user it impersonates once RBAC allows it to. */
function userOf(input: ServeInput): UserInfo {
  const { access, cluster } = input;
  const user = authenticate(input.req.headers, access.users, access.rbac);
  const wanted = impersonation(input.req.headersDistinct);
  if (!wanted) return user;
  if (access.rbac) {
    const checks: Attributes[] = [
      { verb: 'impersonate', group: '', resource: 'users', name: wanted.username },
      ...(input.req.headersDistinct['impersonate-group'] ?? []).map((g) => ({
        verb: 'impersonate',
        group: '',
        resource: 'groups',
        name: g,
      })),
    ];
    for (const a of checks)
      if (!authorize(cluster.store, user, a).allowed) throw forbidden(user, a);
  }
  return wanted;
}

function asTable(input: ServeInput, route: ResourceRoute, answer: ApiResponse): ApiResponse {
  const table = tableRequested(input.req.headers.accept, input.url.searchParams);
  if (!table || input.method !== 'GET' || route.subresource || !isObject(answer.body))
    return answer;
  const body = answer.body as { items?: KubeObject[]; metadata: { resourceVersion: string } };
  const objects = body.items ?? [answer.body as unknown as KubeObject];
  const { clock } = input.cluster;
  return {
    status: answer.status,
    body: toTable(route.resource, objects, table, clock, body.metadata.resourceVersion),
  };
}

/**
 * Authenticates, authorizes and answers one request. Returns the answer to send, or undefined
 * when the response was streamed (a watch). Throws KubeError for error answers.
 */
export function serveRequest(input: ServeInput): ApiResponse | undefined {
  const { route, method, cluster, access } = input;
  const user = userOf(input);
  input.onUser?.(user);
  if (access.rbac) {
    const a = attributesOf(input);
    if (!authorize(cluster.store, user, a).allowed) throw forbidden(user, a);
  }
  // kubectl tries OpenAPI v2 when v3 has no schema for a patch, then uses its own types: a
  // plain 404 there is expected, not a gap in the emulator.
  if (!route && input.path === '/openapi/v2')
    throw new KubeError(404, 'the server could not find the requested resource', 'NotFound');
  if (!route) throw unsupported(404, 'the server could not find the requested resource');
  if (route.type === 'discovery') {
    if (method !== 'GET')
      throw unsupported(405, 'the server does not allow this method on the requested resource');
    return { status: 200, body: route.body };
  }
  if (route.resource.review) {
    if (method !== 'POST' || route.name !== undefined)
      throw unsupported(405, 'the server does not allow this method on the requested resource');
    return answerReview(cluster.store, user, route, input.body, access.rbac);
  }
  const query = input.url.searchParams;
  if (method === 'GET' && isWatch(query) && !route.subresource) {
    const table = tableRequested(input.req.headers.accept, query);
    serveWatch(cluster, route, query, table, input.res, input.watch);
    return undefined;
  }
  const answer = handleApiRequest(cluster, {
    method,
    route,
    query,
    contentType: input.req.headers['content-type'],
    body: input.body,
  });
  return asTable(input, route, answer);
}
