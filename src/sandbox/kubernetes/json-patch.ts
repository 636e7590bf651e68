import { badRequest, KubeError } from './errors.ts';
import { clone, deepEqual, isObject, type Json } from './json.ts';

interface Operation {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

function fail(message: string): never {
  throw new KubeError(422, message, 'Invalid');
}

/** Splits an RFC 6901 JSON pointer into unescaped reference tokens. */
function tokens(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) fail(`invalid JSON pointer "${pointer}"`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function arrayIndex(token: string, length: number, forInsert: boolean): number {
  if (forInsert && token === '-') return length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) fail(`invalid array index "${token}"`);
  const index = Number(token);
  if (index > length || (!forInsert && index === length))
    fail(`array index ${index} out of bounds`);
  return index;
}

function resolve(doc: Json, path: string[]): Json {
  let node: Json = doc;
  for (const token of path) {
    if (Array.isArray(node)) {
      node = node[arrayIndex(token, node.length, false)] as Json;
    } else if (isObject(node) && token in node) {
      node = node[token] as Json;
    } else {
      fail(`doc is missing path: "/${path.join('/')}"`);
    }
  }
  return node;
}

function parentOf(doc: Json, pointer: string): { parent: Json; key: string } {
  const path = tokens(pointer);
  const key = path.pop();
  if (key === undefined) fail('the root of the document cannot be the target here');
  return { parent: resolve(doc, path), key };
}

function add(doc: Json, pointer: string, value: Json): Json {
  if (pointer === '') return clone(value);
  const { parent, key } = parentOf(doc, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(key, parent.length, true), 0, clone(value));
  else if (isObject(parent)) parent[key] = clone(value);
  else fail(`doc is missing path: "${pointer}"`);
  return doc;
}

function remove(doc: Json, pointer: string): Json {
  const { parent, key } = parentOf(doc, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(key, parent.length, false), 1);
  else if (isObject(parent) && key in parent) delete parent[key];
  else fail(`Unable to remove nonexistent key: ${key}: missing value`);
  return doc;
}

function apply(doc: Json, op: Operation): Json {
  const value = (): Json => {
    if (!('value' in op) || op.value === undefined) fail(`missing value for "${op.op}" operation`);
    return op.value;
  };
  const from = (): string => {
    if (typeof op.from !== 'string') fail(`missing from for "${op.op}" operation`);
    return op.from;
  };
  switch (op.op) {
    case 'add':
      return add(doc, op.path, value());
    case 'remove':
      return remove(doc, op.path);
    case 'replace':
      resolve(doc, tokens(op.path));
      return add(op.path === '' ? doc : remove(doc, op.path), op.path, value());
    case 'test':
      if (!deepEqual(resolve(doc, tokens(op.path)), value())) {
        fail(`testing value ${op.path} failed: test failed`);
      }
      return doc;
    case 'move': {
      const moved = clone(resolve(doc, tokens(from())));
      return add(remove(doc, from()), op.path, moved);
    }
    case 'copy':
      return add(doc, op.path, clone(resolve(doc, tokens(from()))));
    default:
      fail(`Unexpected kind: ${op.op}`);
  }
}

/** RFC 6902 JSON patch; the whole patch fails (422) if any operation fails, as in the API server. */
export function applyJsonPatch(target: Json, patch: Json): Json {
  if (!Array.isArray(patch)) {
    throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  }
  let doc = clone(target);
  for (const op of patch) {
    if (!isObject(op) || typeof op.op !== 'string' || typeof op.path !== 'string') {
      throw badRequest('invalid JSON patch operation: op and path are required');
    }
    doc = apply(doc, op as unknown as Operation);
  }
  return doc;
}
