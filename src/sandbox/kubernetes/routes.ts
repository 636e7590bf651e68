import { RESOURCES, type ResourceDef, resourceByPath } from './resources.ts';

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

function resourceList(groupVersion: string, resources: ResourceDef[]) {
  const verbs = ['create', 'delete', 'get', 'list', 'patch', 'update'];
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: resources.flatMap((r) => [
      { name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs },
      ...(r.status
        ? [
            {
              name: `${r.plural}/status`,
              singularName: '',
              namespaced: r.namespaced,
              kind: r.kind,
              verbs: ['get', 'patch', 'update'],
            },
          ]
        : []),
      ...(r.scale
        ? [
            {
              name: `${r.plural}/scale`,
              singularName: '',
              namespaced: r.namespaced,
              group: 'autoscaling',
              version: 'v1',
              kind: 'Scale',
              verbs: ['get', 'patch', 'update'],
            },
          ]
        : []),
    ]),
  };
}

function discovery(segments: string[]): unknown {
  const [root, a, b] = segments;
  if (root === 'version' && segments.length === 1) {
    return {
      major: '1',
      minor: '31',
      gitVersion: 'v1.31.0-kube-emulator',
      platform: 'linux/amd64',
    };
  }
  if (root === 'api' && segments.length === 1) return { kind: 'APIVersions', versions: ['v1'] };
  if (root === 'apis' && segments.length === 1) {
    const groups = [
      ...new Set(RESOURCES.filter((r) => r.group).map((r) => `${r.group}/${r.version}`)),
    ];
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: groups.map((gv) => {
        const version = { groupVersion: gv, version: gv.split('/')[1] };
        return { name: gv.split('/')[0], versions: [version], preferredVersion: version };
      }),
    };
  }
  const group = root === 'api' ? '' : a;
  const version = root === 'api' ? a : b;
  const wanted = root === 'api' ? 2 : 3;
  if ((root === 'api' || root === 'apis') && segments.length === wanted) {
    const served = RESOURCES.filter((r) => r.group === group && r.version === version);
    if (served.length > 0)
      return resourceList(group ? `${group}/${version}` : `${version}`, served);
  }
  return undefined;
}

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
  const body = discovery(segments);
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
