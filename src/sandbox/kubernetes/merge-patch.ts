import { clone, isObject, type Json } from './json.ts';

/** RFC 7386 JSON merge patch: objects merge key by key, null deletes, anything else replaces. */
export function applyMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const result = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
    } else {
      result[key] = applyMergePatch(result[key] ?? null, value);
    }
  }
  return result;
}
