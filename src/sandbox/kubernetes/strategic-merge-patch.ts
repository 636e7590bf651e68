import { badRequest } from './errors.ts';
import { clone, deepEqual, isObject, type Json, type JsonObject } from './json.ts';

/**
 * Merge keys of the lists this emulator's resources use (from the Kubernetes OpenAPI
 * `x-kubernetes-patch-merge-key`). Lists not named here are replaced wholesale, as the API
 * server does for atomic lists.
 */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
  conditions: 'type',
  ownerReferences: 'uid',
  hostAliases: 'ip',
};

/** Primitive lists with the `merge` strategy (others are replaced). */
const MERGED_PRIMITIVE_LISTS = new Set(['finalizers']);

function stripDirectives(value: Json): Json {
  if (Array.isArray(value)) {
    return value.filter((item) => !(isObject(item) && item.$patch)).map(stripDirectives);
  }
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (!key.startsWith('$')) out[key] = stripDirectives(item);
  }
  return out;
}

function mergeList(field: string, current: Json | undefined, patch: Json[]): Json[] {
  const base = Array.isArray(current) ? clone(current) : [];
  if (patch.some((item) => isObject(item) && item.$patch === 'replace')) {
    return stripDirectives(patch) as Json[];
  }
  const mergeKey = MERGE_KEYS[field];
  if (mergeKey && patch.every(isObject)) {
    for (const item of patch as JsonObject[]) {
      const key = item[mergeKey];
      if (key === undefined)
        throw badRequest(
          `map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`,
        );
      const at = base.findIndex(
        (existing) => isObject(existing) && deepEqual(existing[mergeKey], key),
      );
      if (item.$patch === 'delete') {
        if (at >= 0) base.splice(at, 1);
      } else if (at >= 0) {
        base[at] = mergeObject(base[at] as JsonObject, item) ?? {};
      } else {
        base.push(stripDirectives(item));
      }
    }
    return base;
  }
  if (MERGED_PRIMITIVE_LISTS.has(field)) {
    return [...base, ...patch.filter((item) => !base.some((e) => deepEqual(e, item)))];
  }
  return stripDirectives(patch) as Json[];
}

/** Merges one map; answers undefined when the patch says `$patch: delete`. */
function mergeObject(target: JsonObject, patch: JsonObject): JsonObject | undefined {
  if (patch.$patch === 'delete') return undefined;
  if (patch.$patch === 'replace') return stripDirectives(patch) as JsonObject;
  const result = clone(target);
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys' || key.startsWith('$setElementOrder/')) continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const list = result[field];
      if (Array.isArray(list) && Array.isArray(value)) {
        result[field] = list.filter((item) => !value.some((gone) => deepEqual(gone, item)));
      }
    } else if (value === null) {
      delete result[key];
    } else if (isObject(value)) {
      const existing = result[key];
      const merged = mergeObject(isObject(existing) ? existing : {}, value);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else if (Array.isArray(value)) {
      result[key] = mergeList(key, result[key], value);
    } else {
      result[key] = value;
    }
  }
  const retain = patch.$retainKeys;
  if (Array.isArray(retain)) {
    for (const key of Object.keys(result)) if (!retain.includes(key)) delete result[key];
  }
  return result;
}

/**
 * Strategic merge patch for the fields this emulator's resources use: maps merge, `null`
 * deletes, keyed lists (containers, env, volumes, ports...) merge by their merge key with
 * `$patch: delete|replace`, other lists replace; `$setElementOrder` is accepted and ignored.
 */
export function applyStrategicMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) throw badRequest('strategic merge patch must be a JSON object');
  return mergeObject(isObject(target) ? target : {}, patch) ?? {};
}
