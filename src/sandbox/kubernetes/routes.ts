import { discoveryAt } from './discovery.ts';
import { type ResourceDef, resourceByPath } from './resources.ts';

export const DEFAULT_CLUSTER = 'default';

/** A request path the emulator understands. */
export type Route =
  | {
      type: 'resource';
      cluster: string;
      resource: ResourceDef;
      namespace?: string;
      name?: string;
      subresource?: 'status' | 'scale';
    }
  | { type: 'discovery'; cluster: string; body: unknown };

/** Parses `[/clusters/NAME]/api/v1/...` or `/apis/GROUP/VERSION/...`; undefined when unknown. */
export function parseRoute(pathname: string): Route | undefined {
  let segments = pathname
    .split('/')
    .filter((s) => s !== '')
    .map(decodeURIComponent);
  let cluster = DEFAULT_CLUSTER;
  if (segments[0] === 'clusters' && segments[1]) {
    cluster = segments[1];
    segments = segments.slice(2);
  }
  const body = discoveryAt(segments);
  if (body !== undefined) return { type: 'discovery', cluster, body };
  let group: string;
  let version: string | undefined;
  let rest: string[];
  if (segments[0] === 'api') [group, version, rest] = ['', segments[1], segments.slice(2)];
  else if (segments[0] === 'apis')
    [group, version, rest] = [segments[1] ?? '', segments[2], segments.slice(3)];
  else return undefined;
  if (!version) return undefined;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, subresource, ...extra] = rest;
  if (!plural || extra.length > 0) return undefined;
  const resource = resourceByPath(group, version, plural);
  if (!resource) return undefined;
  if (resource.namespaced ? name !== undefined && namespace === undefined : namespace !== undefined)
    return undefined;
  if (subresource !== undefined) {
    const served =
      (subresource === 'status' && resource.status) || (subresource === 'scale' && resource.scale);
    if (!served || name === undefined) return undefined;
  }
  return {
    type: 'resource',
    cluster,
    resource,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(subresource !== undefined ? { subresource: subresource as 'status' | 'scale' } : {}),
  };
}
