import type { Clock } from './clock.ts';
import { printerFor } from './printers.ts';
import { apiVersionOf, type ResourceDef } from './resources.ts';
import type { KubeObject } from './types.ts';

/** What a client asked for with `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`. */
export interface TableRequest {
  version: 'v1' | 'v1beta1';
  includeObject: 'None' | 'Object' | 'PartialObjectMetadata';
}

/** The Table the client accepts first, if any (kubectl lists v1, then v1beta1, then plain JSON). */
export function tableRequested(
  accept: string | undefined,
  query: URLSearchParams,
): TableRequest | undefined {
  for (const entry of (accept ?? '').split(',')) {
    const params = new Map(
      entry
        .split(';')
        .slice(1)
        .map((p) => p.trim().split('=') as [string, string]),
    );
    if (params.get('as') !== 'Table' || params.get('g') !== 'meta.k8s.io') continue;
    const version = params.get('v');
    if (version !== 'v1' && version !== 'v1beta1') continue;
    const include = query.get('includeObject');
    const includeObject =
      include === 'None' || include === 'Object' ? include : 'PartialObjectMetadata';
    return { version, includeObject };
  }
  return undefined;
}

function rowObject(obj: KubeObject, request: TableRequest) {
  if (request.includeObject === 'None') return {};
  if (request.includeObject === 'Object') return { object: obj };
  const version = `meta.k8s.io/${request.version}`;
  return { object: { kind: 'PartialObjectMetadata', apiVersion: version, metadata: obj.metadata } };
}

/**
 * Server-side printing: the objects as a meta.k8s.io Table with the columns the API server
 * prints for their kind. Every cell is sent, wide ones too; kubectl hides priority-1 columns
 * unless `-o wide`.
 */
export function toTable(
  resource: ResourceDef,
  objects: KubeObject[],
  request: TableRequest,
  clock: Clock,
  resourceVersion: string,
  columns = true,
) {
  const printer = printerFor(resource.kind);
  const now = clock.now();
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${request.version}`,
    metadata: { resourceVersion },
    ...(columns ? { columnDefinitions: printer.columns } : {}),
    rows: objects.map((o) => ({
      cells: printer.cells(o, now),
      ...rowObject({ ...o, kind: resource.kind, apiVersion: apiVersionOf(resource) }, request),
    })),
  };
}
