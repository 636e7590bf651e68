import { badRequest } from './errors.ts';
import { isObject } from './json.ts';
import { matchesSelector, parseSelector } from './label-selector.ts';
import type { ResourceDef } from './resources.ts';
import type { KubeObject } from './types.ts';

/** Fields each kind can be selected on beyond metadata.name and metadata.namespace (as on 1.32). */
const FIELDS: Record<string, string[]> = {
  Pod: [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName',
  ],
  ReplicaSet: ['status.replicas'],
  Namespace: ['status.phase'],
  Event: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'type',
  ],
};

function fieldValue(obj: KubeObject, path: string): string {
  let value: unknown = obj;
  for (const part of path.split('.')) value = isObject(value) ? value[part] : undefined;
  return value === undefined || value === null ? '' : String(value);
}

function fieldTerm(resource: ResourceDef, term: string): (obj: KubeObject) => boolean {
  const match = /^([^!=]+)(==|=|!=)(.*)$/.exec(term.trim());
  if (!match?.[1] || !match[2])
    throw badRequest(`invalid selector: '${term}'; can't understand '${term}'`);
  const [, field, op, value = ''] = match;
  const known = ['metadata.name', 'metadata.namespace', ...(FIELDS[resource.kind] ?? [])];
  if (!known.includes(field)) {
    // Custom resources answer with the list of what they support; built-ins with this line.
    throw badRequest(
      resource.custom
        ? `"${field}" is not a known field selector: only "metadata.name", "metadata.namespace"`
        : `field label not supported: ${field}`,
    );
  }
  return (obj) => (fieldValue(obj, field) === value) === (op !== '!=');
}

/** The `labelSelector` and `fieldSelector` of a list or watch as one predicate; 400 when unparsable. */
export function objectFilter(
  resource: ResourceDef,
  query: URLSearchParams,
): (obj: KubeObject) => boolean {
  const labelText = query.get('labelSelector');
  const labels = labelText ? parseSelector(labelText) : undefined;
  const fieldText = query.get('fieldSelector') ?? '';
  const fields = fieldText
    .split(',')
    .filter((t) => t.trim() !== '')
    .map((t) => fieldTerm(resource, t));
  return (obj) => matchesSelector(obj.metadata.labels, labels) && fields.every((f) => f(obj));
}
