import type { HttpRoute } from './route.ts';

/** The route that serves method + path, with its `:name` parameters decoded. */
export interface RouteMatch {
  route: HttpRoute;
  params: Record<string, string>;
}

/**
 * Finds the first route for method and path. Patterns are literal segments and `:name`
 * parameters, the subset of Bolt's path syntax our routes use; Socket Mode serves them with it.
 */
export function matchRoute(
  routes: HttpRoute[],
  method: string,
  path: string,
): RouteMatch | undefined {
  const wanted = method.toUpperCase();
  const segments = path.split('/');
  for (const route of routes) {
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).map((m) =>
      m.toUpperCase(),
    );
    if (!methods.includes(wanted)) continue;
    const params = matchPath(route.path.split('/'), segments);
    if (params) return { route, params };
  }
  return undefined;
}

function matchPath(pattern: string[], segments: string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i += 1) {
    const want = pattern[i] ?? '';
    const got = segments[i] ?? '';
    if (want.startsWith(':')) {
      if (got === '') return undefined;
      try {
        params[want.slice(1)] = decodeURIComponent(got);
      } catch {
        return undefined;
      }
    } else if (want !== got) {
      return undefined;
    }
  }
  return params;
}
