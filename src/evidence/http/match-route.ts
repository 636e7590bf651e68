import type { ServerResponse } from 'node:http';
import type { ParamsRequest, RouteDescriptor } from './evidence-routes.ts';

/** Params when `pattern` (`/evidence/:id/bundle`) matches `pathname`, else null. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = pathname.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const actual = got[i] ?? '';
    if (part.startsWith(':')) {
      if (actual === '') return null;
      try {
        params[part.slice(1)] = decodeURIComponent(actual);
      } catch {
        return null;
      }
    } else if (part !== actual) {
      return null;
    }
  }
  return params;
}

/**
 * Serves a request from route descriptors the way Bolt's customRoutes does (params in
 * `req.params`), for servers without Bolt. Returns false when no route matches.
 */
export function dispatchRoute(
  routes: RouteDescriptor[],
  req: ParamsRequest,
  res: ServerResponse,
): boolean {
  const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
  for (const route of routes) {
    if (route.method !== req.method) continue;
    const params = matchPath(route.path, pathname);
    if (!params) continue;
    req.params = params;
    route.handler(req, res);
    return true;
  }
  return false;
}
