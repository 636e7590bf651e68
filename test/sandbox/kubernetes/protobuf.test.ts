import { describe, expect, it } from 'vitest';
import { decodeProtobuf } from '../../../src/sandbox/kubernetes/protobuf.ts';

/** Length-delimited protobuf field (wire type 2), as generated.proto messages encode strings and messages. */
function field(number: number, value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([Buffer.from([(number << 3) | 2, bytes.length]), bytes]);
}
const message = (...parts: Buffer[]) => Buffer.concat(parts);

/** The `k8s\0` envelope around runtime.Unknown{typeMeta, raw}, as client-go writes it. */
function envelope(apiVersion: string, kind: string, raw: Buffer): Buffer {
  const typeMeta = message(field(1, apiVersion), field(2, kind));
  return Buffer.concat([Buffer.from('k8s\0', 'binary'), field(1, typeMeta), field(2, raw)]);
}

describe('sandbox/kubernetes/protobuf', () => {
  it('decodes a RoleBinding as `kubectl create rolebinding` sends it', () => {
    const metadata = message(
      field(1, 'jane-deploys'),
      field(3, 'dev'),
      field(11, message(field(1, 'team'), field(2, 'payments'))),
    );
    const subject = message(
      field(1, 'User'),
      field(2, 'rbac.authorization.k8s.io'),
      field(3, 'jane'),
    );
    const roleRef = message(
      field(1, 'rbac.authorization.k8s.io'),
      field(2, 'Role'),
      field(3, 'deployer'),
    );
    const raw = message(field(1, metadata), field(2, subject), field(3, roleRef));
    expect(decodeProtobuf(envelope('rbac.authorization.k8s.io/v1', 'RoleBinding', raw))).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'jane-deploys', namespace: 'dev', labels: { team: 'payments' } },
      subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'jane' }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'deployer' },
    });
  });

  it('decodes Secret data as base64, the way JSON carries bytes', () => {
    const raw = message(
      field(1, field(1, 'db')),
      field(2, message(field(1, 'password'), field(2, Buffer.from([0xde, 0xad])))),
      field(3, 'Opaque'),
    );
    expect(decodeProtobuf(envelope('v1', 'Secret', raw))).toMatchObject({
      metadata: { name: 'db' },
      data: { password: '3q0=' },
      type: 'Opaque',
    });
  });

  it.each([
    [
      'a kind it has no field table for',
      envelope('apps/v1', 'Deployment', Buffer.alloc(0)),
      415,
      /kind Deployment/,
    ],
    ['bytes without the k8s envelope', Buffer.from('{"kind":"Pod"}'), 400, /envelope/],
  ])('refuses %s with a clear error', (_what, body, code, message) => {
    expect(() => decodeProtobuf(body)).toThrow(message);
    try {
      decodeProtobuf(body);
    } catch (error) {
      expect((error as { code: number }).code).toBe(code);
    }
  });
});
