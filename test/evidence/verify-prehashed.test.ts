import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyPrehashedP256 } from '../../src/evidence/signing/verify-prehashed.ts';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest();

describe('src/evidence/signing/verify-prehashed', () => {
  it('agrees with node:crypto on signatures over a message, checked from its digest alone', () => {
    for (let i = 0; i < 8; i += 1) {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const message = Buffer.from(`manifest ${i}`);
      const signature = sign('sha256', message, privateKey);
      expect(verifyPrehashedP256(publicKey, sha256(message), signature)).toBe(true);
      const otherDigest = sha256(Buffer.from(`manifest ${i + 1}`));
      expect(verifyPrehashedP256(publicKey, otherDigest, signature)).toBe(false);
      const flipped = Buffer.from(signature);
      flipped[flipped.length - 1] = flipped[flipped.length - 1]! ^ 0x01;
      expect(verifyPrehashedP256(publicKey, sha256(message), flipped)).toBe(false);
    }
  });

  it('refuses other curves and key types, and malformed signatures', () => {
    const message = Buffer.from('manifest');
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const ed = generateKeyPairSync('ed25519');
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const good = sign('sha256', message, p256.privateKey);
    expect(
      verifyPrehashedP256(
        p384.publicKey,
        sha256(message),
        sign('sha256', message, p384.privateKey),
      ),
    ).toBe(false);
    expect(verifyPrehashedP256(ed.publicKey, sha256(message), good)).toBe(false);
    for (const bad of [Buffer.alloc(0), Buffer.alloc(64, 1), good.subarray(0, good.length - 1)]) {
      expect(verifyPrehashedP256(p256.publicKey, sha256(message), bad)).toBe(false);
    }
  });
});
