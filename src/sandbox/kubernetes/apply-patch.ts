import { KubeError } from './errors.ts';
import type { Json } from './json.ts';
import { applyJsonPatch } from './json-patch.ts';
import { applyMergePatch } from './merge-patch.ts';
import type { ResourceDef } from './resources.ts';
import { applyStrategicMergePatch } from './strategic-merge-patch.ts';

export type PatchType = 'json' | 'merge' | 'strategic';

const TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
};

function unsupported(resource: ResourceDef): KubeError {
  const accepted = resource.custom
    ? 'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml'
    : 'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json';
  return new KubeError(
    415,
    `the body of the request was in an unknown format - accepted media types include: ${accepted}`,
    'UnsupportedMediaType',
  );
}

/** The patch type a Content-Type names; 415 when the API server would refuse it for this resource. */
export function patchTypeOf(resource: ResourceDef, contentType: string | undefined): PatchType {
  const media = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const type = TYPES[media];
  // Custom resources have no Go struct tags to drive a strategic merge: the API server refuses it.
  if (!type || (type === 'strategic' && resource.custom)) throw unsupported(resource);
  return type;
}

/** Applies a patch body of the given type to a JSON document. */
export function applyPatch(type: PatchType, target: Json, patch: Json): Json {
  switch (type) {
    case 'json':
      return applyJsonPatch(target, patch);
    case 'merge':
      return applyMergePatch(target, patch);
    case 'strategic':
      return applyStrategicMergePatch(target, patch);
  }
}
