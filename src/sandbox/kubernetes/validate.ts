import { defaultPodSpec, defaultWorkload, dropNulls } from './defaults.ts';
import { invalid } from './errors.ts';
import { deepEqual, isObject } from './json.ts';
import { matchesSelector } from './label-selector.ts';
import { RESOURCES, type ResourceDef } from './resources.ts';
import type { KubeObject } from './types.ts';
import { specOf } from './workloads.ts';

const WORKLOADS = new Set(['Deployment', 'ReplicaSet']);
const CUSTOM_KINDS = new Set(RESOURCES.filter((r) => r.custom).map((r) => r.kind));

/** MicroTime as the API server writes it: RFC 3339 with exactly six fractional digits. */
function microTime(value: unknown): unknown {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) return value;
  const iso = new Date(value).toISOString();
  const micros =
    /\.(\d+)Z$/.exec(value)?.[1]?.padEnd(6, '0').slice(0, 6) ?? iso.slice(20, 23).padEnd(6, '0');
  return `${iso.slice(0, 19)}.${micros}Z`;
}

/** API-server defaulting and normalising on write, for the kinds where it shows. */
export function applyDefaults(obj: KubeObject): void {
  if (!CUSTOM_KINDS.has(obj.kind)) dropNulls(obj);
  if (WORKLOADS.has(obj.kind)) defaultWorkload(obj);
  if (obj.kind === 'Pod') defaultPodSpec(obj.spec);
  if (obj.kind === 'Secret' && obj.type === undefined) obj.type = 'Opaque';
  if (obj.kind === 'Lease' && isObject(obj.spec)) {
    for (const field of ['acquireTime', 'renewTime']) {
      if (obj.spec[field] !== undefined) obj.spec[field] = microTime(obj.spec[field]) as string;
    }
  }
}

function validateWorkload(
  resource: ResourceDef,
  obj: KubeObject,
  previous: KubeObject | undefined,
): void {
  const name = obj.metadata.name;
  if (!isObject(obj.spec)) throw invalid(resource, name, 'spec', 'Required value');
  const spec = specOf(obj);
  if (!spec.selector || (!spec.selector.matchLabels && !spec.selector.matchExpressions)) {
    throw invalid(resource, name, 'spec.selector', 'Required value');
  }
  const labels = spec.template?.metadata?.labels;
  if (!matchesSelector(labels ?? {}, spec.selector)) {
    throw invalid(
      resource,
      name,
      'spec.template.metadata.labels',
      `Invalid value: ${JSON.stringify(labels ?? {})}: \`selector\` does not match template \`labels\``,
    );
  }
  const containers = spec.template?.spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    throw invalid(resource, name, 'spec.template.spec.containers', 'Required value');
  }
  if (spec.replicas !== undefined && (!Number.isInteger(spec.replicas) || spec.replicas < 0)) {
    throw invalid(
      resource,
      name,
      'spec.replicas',
      `Invalid value: ${spec.replicas}: must be greater than or equal to 0`,
    );
  }
  if (
    previous &&
    resource.group === 'apps' &&
    !deepEqual(specOf(previous).selector, spec.selector)
  ) {
    throw invalid(
      resource,
      name,
      'spec.selector',
      `Invalid value: ${JSON.stringify(spec.selector)}: field is immutable`,
    );
  }
}

/** The API server's validation for what the emulator serves (workload selectors, immutability). */
export function validate(resource: ResourceDef, obj: KubeObject, previous?: KubeObject): void {
  if (WORKLOADS.has(resource.kind)) validateWorkload(resource, obj, previous);
  if (resource.kind === 'Rollout' && obj.spec !== undefined && !isObject(obj.spec)) {
    throw invalid(resource, obj.metadata.name, 'spec', 'Invalid value: must be an object');
  }
}
