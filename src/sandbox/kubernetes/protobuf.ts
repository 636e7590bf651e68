import { unsupported } from './errors.ts';

/** How one protobuf field maps to JSON (generated.proto of k8s.io/api, the fields kubectl sends). */
type Field =
  | { name: string; type: 'string' | 'int' | 'bool' | 'bytes'; repeated?: boolean }
  | { name: string; type: 'map' | 'bytesMap' }
  | { name: string; type: 'message'; schema: Schema; repeated?: boolean };
type Schema = Record<number, Field>;

const s = (name: string, repeated = false): Field => ({ name, type: 'string', repeated });
const m = (name: string, schema: Schema, repeated = false): Field => ({
  name,
  type: 'message',
  schema,
  repeated,
});

const OBJECT_META: Schema = {
  1: s('name'),
  2: s('generateName'),
  3: s('namespace'),
  5: s('uid'),
  6: s('resourceVersion'),
  7: { name: 'generation', type: 'int' },
  11: { name: 'labels', type: 'map' },
  12: { name: 'annotations', type: 'map' },
  14: s('finalizers', true),
};
const POLICY_RULE: Schema = {
  1: s('verbs', true),
  2: s('apiGroups', true),
  3: s('resources', true),
  4: s('resourceNames', true),
  5: s('nonResourceURLs', true),
};
const BINDING: Schema = {
  1: m('metadata', OBJECT_META),
  2: m('subjects', { 1: s('kind'), 2: s('apiGroup'), 3: s('name'), 4: s('namespace') }, true),
  3: m('roleRef', { 1: s('apiGroup'), 2: s('kind'), 3: s('name') }),
};
const ROLE: Schema = { 1: m('metadata', OBJECT_META), 2: m('rules', POLICY_RULE, true) };
const RESOURCE_ATTRIBUTES: Schema = {
  1: s('namespace'),
  2: s('verb'),
  3: s('group'),
  4: s('version'),
  5: s('resource'),
  6: s('subresource'),
  7: s('name'),
};
const ACCESS_REVIEW_SPEC: Schema = {
  1: m('resourceAttributes', RESOURCE_ATTRIBUTES),
  2: m('nonResourceAttributes', { 1: s('path'), 2: s('verb') }),
  3: s('user'),
  4: s('groups', true),
  6: s('uid'),
};

/** Kinds whose protobuf bodies the emulator reads: what kubectl's typed clients send that way. */
const KINDS: Record<string, Schema> = {
  RoleBinding: BINDING,
  ClusterRoleBinding: BINDING,
  Role: ROLE,
  ClusterRole: ROLE,
  ConfigMap: {
    1: m('metadata', OBJECT_META),
    2: { name: 'data', type: 'map' },
    3: { name: 'binaryData', type: 'bytesMap' },
    4: { name: 'immutable', type: 'bool' },
  },
  Secret: {
    1: m('metadata', OBJECT_META),
    2: { name: 'data', type: 'bytesMap' },
    3: s('type'),
    4: { name: 'stringData', type: 'map' },
    5: { name: 'immutable', type: 'bool' },
  },
  Namespace: { 1: m('metadata', OBJECT_META) },
  SelfSubjectAccessReview: {
    1: m('metadata', OBJECT_META),
    2: m('spec', {
      1: m('resourceAttributes', RESOURCE_ATTRIBUTES),
      2: m('nonResourceAttributes', { 1: s('path'), 2: s('verb') }),
    }),
  },
  SubjectAccessReview: { 1: m('metadata', OBJECT_META), 2: m('spec', ACCESS_REVIEW_SPEC) },
  SelfSubjectRulesReview: { 1: m('metadata', OBJECT_META), 2: m('spec', { 1: s('namespace') }) },
  SelfSubjectReview: { 1: m('metadata', OBJECT_META) },
};

interface Wire {
  field: number;
  type: number;
  value: bigint | Buffer;
}

function varint(buf: Buffer, at: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  let pos = at;
  for (;;) {
    const byte = buf[pos++];
    if (byte === undefined) throw new Error('truncated varint');
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result, pos];
    shift += 7n;
  }
}

function fields(buf: Buffer): Wire[] {
  const out: Wire[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [key, next] = varint(buf, pos);
    pos = next;
    const field = Number(key >> 3n);
    const type = Number(key & 7n);
    if (type === 0) {
      const [value, after] = varint(buf, pos);
      out.push({ field, type, value });
      pos = after;
    } else if (type === 2) {
      const [length, after] = varint(buf, pos);
      const end = after + Number(length);
      out.push({ field, type, value: buf.subarray(after, end) });
      pos = end;
    } else if (type === 1 || type === 5) {
      pos += type === 1 ? 8 : 4;
    } else {
      throw new Error(`unsupported wire type ${type}`);
    }
  }
  return out;
}

function entry(value: Buffer): [string, Buffer] {
  const parts = fields(value);
  const part = (n: number) => parts.find((p) => p.field === n)?.value;
  const key = part(1);
  const val = part(2);
  return [
    Buffer.isBuffer(key) ? key.toString('utf8') : '',
    Buffer.isBuffer(val) ? val : Buffer.alloc(0),
  ];
}

function decode(buf: Buffer, schema: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const wire of fields(buf)) {
    const field = schema[wire.field];
    if (!field) continue;
    const bytes = Buffer.isBuffer(wire.value) ? wire.value : Buffer.alloc(0);
    let value: unknown;
    if (field.type === 'int') value = Number(wire.value as bigint);
    else if (field.type === 'bool') value = wire.value === 1n;
    else if (field.type === 'string') value = bytes.toString('utf8');
    else if (field.type === 'bytes') value = bytes.toString('base64');
    else if (field.type === 'message') value = decode(bytes, field.schema);
    else {
      const [key, raw] = entry(bytes);
      const map = (out[field.name] ?? {}) as Record<string, string>;
      map[key] = field.type === 'map' ? raw.toString('utf8') : raw.toString('base64');
      out[field.name] = map;
      continue;
    }
    if ('repeated' in field && field.repeated)
      out[field.name] = [...((out[field.name] as unknown[]) ?? []), value];
    else out[field.name] = value;
  }
  return out;
}

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/**
 * Decodes an `application/vnd.kubernetes.protobuf` body (the `k8s\0` envelope around a
 * runtime.Unknown) into the JSON object it stands for. kubectl 1.32's typed clients send some
 * writes this way (`create rolebinding`); kinds outside the table are 415.
 */
export function decodeProtobuf(body: Buffer): Record<string, unknown> {
  if (!body.subarray(0, 4).equals(MAGIC))
    throw unsupported(400, 'the protobuf body does not start with the k8s envelope');
  const unknown = decode(body.subarray(4), {
    1: m('typeMeta', { 1: s('apiVersion'), 2: s('kind') }),
    2: { name: 'raw', type: 'bytes' },
  });
  const meta = (unknown.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const schema = KINDS[meta.kind ?? ''];
  if (!schema)
    throw unsupported(
      415,
      `kube emulator: protobuf bodies of kind ${meta.kind} are not decoded; send JSON`,
    );
  const raw = Buffer.from(String(unknown.raw ?? ''), 'base64');
  return { apiVersion: meta.apiVersion, kind: meta.kind, ...decode(raw, schema) };
}
