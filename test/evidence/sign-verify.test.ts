import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/evidence/ledger/canonical-entry.ts';
import {
  EVIDENCE_PREDICATE_TYPE,
  IN_TOTO_PAYLOAD_TYPE,
  IN_TOTO_STATEMENT_TYPE,
} from '../../src/evidence/signing/schema.ts';
import {
  buildStatement,
  createKeySigner,
  signStatement,
} from '../../src/evidence/signing/sign-statement.ts';
import { loadOrCreateSigningKey, type SigningKey } from '../../src/evidence/signing/signing-key.ts';
import { verifyEvidenceBundle } from '../../src/evidence/signing/verify-bundle.ts';

/** The serialized bundle fields these tests read and tamper with. */
interface Json {
  mediaType: string;
  verificationMaterial: { publicKey: { hint: string } };
  dsseEnvelope: {
    payload: string;
    payloadType: string;
    signatures: [{ sig: string; keyid: string }];
  };
}

describe('src/evidence/signing', () => {
  let dir: string;
  let key: SigningKey;
  let other: SigningKey;
  const document = Buffer.from(canonicalJson({ id: 'ev_aaaaaaaaaaaaaaaa', body: { ok: true } }));
  const digest = createHash('sha256').update(document).digest('hex');
  const statement = buildStatement('ev_aaaaaaaaaaaaaaaa', digest, {
    kind: 'run.succeeded',
    subject: 'checkout/prod',
    summary: 'rollback v1.4.2 → v1.4.1',
    recordedAt: '2025-01-01T00:00:00.000Z',
    ledgerSeq: 7,
  });
  let bundle: Json;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mc-sign-'));
    key = await loadOrCreateSigningKey({ dataDir: path.join(dir, 'a') });
    other = await loadOrCreateSigningKey({ dataDir: path.join(dir, 'b') });
    bundle = (await signStatement(createKeySigner(key), statement)) as unknown as Json;
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const copy = () => JSON.parse(JSON.stringify(bundle)) as Json;

  it('produces a standard v0.3 sigstore bundle with a DSSE in-toto statement', () => {
    expect(bundle.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
    expect(bundle.verificationMaterial.publicKey.hint).toBe(key.hint);
    expect(bundle.dsseEnvelope.payloadType).toBe(IN_TOTO_PAYLOAD_TYPE);
    expect(bundle.dsseEnvelope.signatures[0].keyid).toBe(key.hint);
    const payload = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString());
    expect(payload).toEqual({
      _type: IN_TOTO_STATEMENT_TYPE,
      subject: [{ name: 'evidence/ev_aaaaaaaaaaaaaaaa.json', digest: { sha256: digest } }],
      predicateType: EVIDENCE_PREDICATE_TYPE,
      predicate: statement.predicate,
    });
  });

  it('verifies offline with the public key, with and without the document', () => {
    const pub = { publicKey: key.publicKey, publicKeyPem: key.publicKeyPem, hint: key.hint };
    const result = verifyEvidenceBundle(copy(), { key: pub, document });
    expect(result).toMatchObject({ ok: true, digest, keyHint: key.hint });
    expect(verifyEvidenceBundle(copy(), { key: pub }).ok).toBe(true);
  });

  it('rejects a tampered payload', () => {
    const tampered = copy();
    const payload = JSON.parse(Buffer.from(tampered.dsseEnvelope.payload, 'base64').toString());
    payload.predicate.summary = 'nothing happened';
    tampered.dsseEnvelope.payload = Buffer.from(JSON.stringify(payload)).toString('base64');
    expect(verifyEvidenceBundle(tampered, { key })).toEqual({
      ok: false,
      reason: 'signature check failed: signature verification failed',
    });
  });

  it('rejects a tampered signature', () => {
    const tampered = copy();
    const sig = Buffer.from(tampered.dsseEnvelope.signatures[0].sig, 'base64');
    sig[sig.length - 1] = sig[sig.length - 1]! ^ 0x01;
    tampered.dsseEnvelope.signatures[0].sig = sig.toString('base64');
    expect(verifyEvidenceBundle(tampered, { key })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^signature check failed/),
    });
  });

  it('rejects a tampered document', () => {
    const changed = Buffer.from(document.toString().replace('true', 'false'));
    const result = verifyEvidenceBundle(copy(), { key, document: changed });
    expect(result).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/does not match the signed subject digest/),
    });
  });

  it('rejects the wrong key, even when the bundle is edited to name it', () => {
    expect(verifyEvidenceBundle(copy(), { key: other })).toMatchObject({
      ok: false,
      reason: `the bundle was signed by key ${key.hint}, not by the given key ${other.hint}`,
    });
    const renamed = copy();
    renamed.verificationMaterial.publicKey.hint = other.hint;
    expect(verifyEvidenceBundle(renamed, { key: other })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^signature check failed/),
    });
  });

  it('rejects something that is not a bundle', () => {
    expect(verifyEvidenceBundle({ hello: 'world' }, { key })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^not a valid sigstore bundle/),
    });
  });
});
