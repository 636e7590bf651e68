import { openApiAt } from './openapi.ts';
import { apiVersionOf, RESOURCES, type ResourceDef } from './resources.ts';

/** The verbs a stored resource serves; `deletecollection` is not emulated, so it is not listed. */
const OBJECT_VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
const SUBRESOURCE_VERBS = ['get', 'patch', 'update'];

function subresources(r: ResourceDef) {
  const base = { singularName: '', namespaced: r.namespaced, kind: r.kind };
  return [
    ...(r.status ? [{ name: `${r.plural}/status`, ...base, verbs: SUBRESOURCE_VERBS }] : []),
    ...(r.scale
      ? [
          {
            name: `${r.plural}/scale`,
            ...base,
            group: 'autoscaling',
            version: 'v1',
            kind: 'Scale',
            verbs: SUBRESOURCE_VERBS,
          },
        ]
      : []),
  ];
}

function resourceList(groupVersion: string, resources: ResourceDef[]) {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: resources.flatMap((r) => [
      {
        name: r.plural,
        singularName: r.singular,
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: r.review ? ['create'] : OBJECT_VERBS,
        ...(r.shortNames.length > 0 ? { shortNames: r.shortNames } : {}),
        ...(r.categories.length > 0 ? { categories: r.categories } : {}),
      },
      ...subresources(r),
    ]),
  };
}

function groupList() {
  const groups = [...new Set(RESOURCES.filter((r) => r.group).map(apiVersionOf))];
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups.map((gv) => {
      const [name, version] = gv.split('/');
      const preferred = { groupVersion: gv, version };
      return { name, versions: [preferred], preferredVersion: preferred };
    }),
  };
}

/**
 * The discovery document at a path (`/version`, `/api`, `/apis`, `/api/v1`, `/apis/G/V`), or
 * undefined. Legacy (unaggregated) discovery only: kubectl asks for the aggregated form first and
 * falls back to this when the answer is plain `application/json`, as with an older API server.
 */
export function discoveryAt(segments: string[]): unknown {
  const [root, a, b] = segments;
  if (root === 'openapi') return openApiAt(segments);
  if (root === 'version' && segments.length === 1) {
    return {
      major: '1',
      minor: '31',
      gitVersion: 'v1.31.0-kube-emulator',
      gitTreeState: 'clean',
      goVersion: 'go1.23.4',
      compiler: 'gc',
      platform: 'linux/amd64',
    };
  }
  if (root === 'api' && segments.length === 1) return { kind: 'APIVersions', versions: ['v1'] };
  if (root === 'apis' && segments.length === 1) return groupList();
  const group = root === 'api' ? '' : a;
  const version = root === 'api' ? a : b;
  const wanted = root === 'api' ? 2 : 3;
  if ((root === 'api' || root === 'apis') && segments.length === wanted) {
    const served = RESOURCES.filter((r) => r.group === group && r.version === version);
    if (served.length > 0)
      return resourceList(group ? `${group}/${version}` : `${version}`, served);
  }
  if (root === 'apis' && segments.length === 2) {
    const match = groupList().groups.find((g) => g.name === a);
    if (match) return { kind: 'APIGroup', apiVersion: 'v1', ...match };
  }
  return undefined;
}
