import { createHash } from 'node:crypto';
import { RESOURCES, type ResourceDef } from './resources.ts';

/** Query parameters the API server documents on writes; kubectl looks for `fieldValidation`. */
const WRITE_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation'].map((name) => ({
  name,
  in: 'query',
  schema: { type: 'string', uniqueItems: true },
}));

function gvPath(r: ResourceDef): string {
  return r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`;
}

function hashOf(text: string): string {
  return createHash('sha512').update(text).digest('hex').slice(0, 128).toUpperCase();
}

function operation(r: ResourceDef, action: string) {
  return {
    parameters: WRITE_PARAMS,
    responses: { '200': { description: 'OK' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: r.group, version: r.version, kind: r.kind },
  };
}

function groupVersionDocument(path: string) {
  const served = RESOURCES.filter((r) => gvPath(r) === path && !r.review);
  if (served.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  for (const r of served) {
    const base = `/${path}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.plural}`;
    paths[base] = { post: operation(r, 'post') };
    paths[`${base}/{name}`] = { put: operation(r, 'put'), patch: operation(r, 'patch') };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.31.0-kube-emulator' },
    paths,
    // No schemas: kubectl validates through the server (fieldValidation) and builds
    // apply patches for built-in kinds from its own types.
    components: { schemas: {} },
  };
}

/**
 * The OpenAPI v3 discovery kubectl reads before `apply` and `create -f`: the index at
 * `/openapi/v3` and, per group-version, the write operations with their query parameters.
 * Schemas are not served (`kubectl explain` does not work).
 */
export function openApiAt(segments: string[]): unknown {
  if (segments[0] !== 'openapi' || segments[1] !== 'v3') return undefined;
  if (segments.length === 2) {
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const path of new Set(RESOURCES.map(gvPath)))
      paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${hashOf(path)}` };
    return { paths };
  }
  return groupVersionDocument(segments.slice(2).join('/'));
}
