import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateSigningKey, type SigningKey } from '../../src/evidence/signing/signing-key.ts';
import { verifyArtifactBundle } from '../../src/evidence/signing/verify-artifact-bundle.ts';
import { verifyEvidenceBundle } from '../../src/evidence/signing/verify-bundle.ts';
import {
  type BundleJson,
  fakeManifest,
  flipBase64,
  signBlob,
  signProvenance,
} from './support/sign-artifact.ts';

describe('src/evidence/signing/verify-artifact-bundle', () => {
  let dir: string;
  let key: SigningKey;
  let other: SigningKey;
  const image = fakeManifest('checkout-1.4.2');
  const another = fakeManifest('checkout-1.4.1');
  let provenance: BundleJson;
  let blob: BundleJson;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mc-artifact-'));
    key = await loadOrCreateSigningKey({ dataDir: path.join(dir, 'a') });
    other = await loadOrCreateSigningKey({ dataDir: path.join(dir, 'b') });
    provenance = await signProvenance(key, image.hex);
    blob = await signBlob(key, image.bytes);
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const copy = (bundle: BundleJson) => structuredClone(bundle);
  const verify = (bundle: unknown, keys = [other, key]) =>
    verifyArtifactBundle(bundle, { digest: image.digest, keys });

  it('verifies a DSSE in-toto statement about the digest, with any predicate type', () => {
    expect(verify(provenance)).toEqual({
      ok: true,
      form: 'dsse',
      keyHint: key.hint,
      predicateType: 'https://slsa.dev/provenance/v1',
    });
  });

  it('verifies a message signature over the digest, with keys given as KeyObjects', () => {
    expect(verifyArtifactBundle(blob, { digest: image.digest, keys: [key.publicKey] })).toEqual({
      ok: true,
      form: 'message-signature',
      keyHint: key.hint,
    });
  });

  it('tries every trusted key when the hint is empty or names no trusted key (cosign)', () => {
    for (const hint of ['', 'cosign-does-its-own-thing']) {
      const renamed = copy(blob);
      renamed.verificationMaterial.publicKey.hint = hint;
      expect(verify(renamed)).toMatchObject({ ok: true, keyHint: key.hint });
    }
  });

  it('ignores a transparency-log entry it has no log key to check', () => {
    const logged = {
      ...copy(provenance),
      mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    } as BundleJson & { verificationMaterial: { tlogEntries?: unknown[] } };
    logged.verificationMaterial.tlogEntries = [
      {
        logIndex: '123',
        logId: { keyId: Buffer.alloc(32, 7).toString('base64') },
        kindVersion: { kind: 'dsse', version: '0.0.1' },
        integratedTime: '1735689600',
        inclusionPromise: { signedEntryTimestamp: Buffer.from('set').toString('base64') },
        inclusionProof: {
          logIndex: '123',
          rootHash: Buffer.alloc(32, 1).toString('base64'),
          treeSize: '124',
          hashes: [],
          checkpoint: { envelope: 'rekor.sigstore.dev - 1\n124\nAQ==\n' },
        },
        canonicalizedBody: Buffer.from('{}').toString('base64'),
      },
    ];
    expect(verify(logged)).toMatchObject({ ok: true });
  });

  it.each([
    [
      'a flipped payload bit',
      (b: BundleJson) => {
        b.dsseEnvelope!.payload = Buffer.from(
          Buffer.from(b.dsseEnvelope!.payload, 'base64')
            .toString()
            .replace('buildType', 'buildTyqe'),
        ).toString('base64');
      },
    ],
    [
      'a flipped signature bit',
      (b: BundleJson) => {
        b.dsseEnvelope!.signatures[0].sig = flipBase64(b.dsseEnvelope!.signatures[0].sig);
      },
    ],
  ])('rejects a DSSE bundle with %s', (_, tamper) => {
    const tampered = copy(provenance);
    tamper(tampered);
    expect(verify(tampered)).toEqual({
      ok: false,
      reason: `signature check failed: the signature does not verify with any of 2 trusted key(s) (the bundle names key ${key.hint.slice(0, 16)})`,
    });
  });

  it('rejects a message signature with a flipped signature bit or digest', () => {
    const badSig = copy(blob);
    badSig.messageSignature!.signature = flipBase64(badSig.messageSignature!.signature);
    expect(verify(badSig)).toMatchObject({ ok: false, reason: /^signature check failed/ });
    const badDigest = copy(blob);
    badDigest.messageSignature!.messageDigest.digest = flipBase64(
      badDigest.messageSignature!.messageDigest.digest,
    );
    expect(verify(badDigest)).toMatchObject({ ok: false, reason: /^signature check failed/ });
  });

  it('rejects a bundle signed by a key that is not trusted', () => {
    expect(verify(provenance, [other])).toMatchObject({
      ok: false,
      reason: /^signature check failed: the signature does not verify with any of 1 trusted key/,
    });
    expect(verify(blob, [other])).toMatchObject({ ok: false });
    expect(verify(blob, [])).toEqual({ ok: false, reason: 'no trusted key to verify with' });
  });

  it('rejects a genuine bundle for another artifact', async () => {
    const short = (hex: string) => `sha256:${hex.slice(0, 12)}…`;
    expect(verify(await signProvenance(key, another.hex))).toEqual({
      ok: false,
      reason: `the signed statement is about ${short(another.hex)}, not ${short(image.hex)}`,
    });
    expect(verify(await signBlob(key, another.bytes))).toEqual({
      ok: false,
      reason: `the bundle signs ${short(another.hex)}, not ${short(image.hex)}`,
    });
  });

  it('rejects what is not a key-signed sigstore bundle, and a malformed digest', () => {
    expect(verify({ hello: 'world' })).toMatchObject({
      ok: false,
      reason: /^not a valid sigstore bundle/,
    });
    expect(verifyArtifactBundle(blob, { digest: 'sha256:abc', keys: [key] })).toEqual({
      ok: false,
      reason: 'sha256:abc is not a sha256:<64 hex> digest',
    });
  });

  it('leaves the evidence verifier as it was: an artifact bundle is not evidence', () => {
    expect(verifyEvidenceBundle(blob, { key })).toEqual({
      ok: false,
      reason: 'the bundle holds a message signature, not a DSSE envelope',
    });
    expect(verifyEvidenceBundle(provenance, { key })).toMatchObject({
      ok: false,
      reason: /^the signed payload is not an evidence statement/,
    });
  });
});
