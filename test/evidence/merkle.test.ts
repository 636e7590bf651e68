import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { merkleLeafHash, merkleNodeHash, merkleRoot } from '../../src/evidence/ledger/merkle.ts';

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest();
const leaves = [0, 1, 2, 3, 4].map((i) => sha(Buffer.from([i])));

// RFC 6962 section 2.1, written recursively as the RFC states it.
function rfcTreeHash(items: Buffer[]): Buffer {
  if (items.length === 0) return sha(Buffer.alloc(0));
  if (items.length === 1) return merkleLeafHash(items[0]!);
  let k = 1;
  while (k * 2 < items.length) k *= 2;
  return merkleNodeHash(rfcTreeHash(items.slice(0, k)), rfcTreeHash(items.slice(k)));
}

describe('src/evidence/ledger/merkle', () => {
  // Vectors computed independently with Python hashlib from the RFC 6962 definition.
  it.each([
    [0, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    [1, 'd9de27625445003d8a9739a851e3ff8d41c0683630b4d63a88327a6aaa37c409'],
    [2, '604d540f09268b91672ab011394d5266ccd7d4484d0d109411a55848126a1b2c'],
    [3, 'd1f13800048f5909d4043fc0c152f6643280cba608b672715e56ce159a20629f'],
    [5, '6b313b611b40676b9e1dfd70c4503f2379f88f0f1c2740fb7e1cacc32c113465'],
  ])('root of %i leaves', (n, root) => {
    expect(merkleRoot(leaves.slice(0, n)).toString('hex')).toBe(root);
  });

  it('level-by-level with odd promotion equals the recursive RFC 6962 definition', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { maxLength: 70 }),
        (raw) => {
          const items = raw.map((a) => Buffer.from(a));
          expect(merkleRoot(items).equals(rfcTreeHash(items))).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('changes when any leaf changes or leaves swap', () => {
    const base = merkleRoot(leaves).toString('hex');
    const swapped = [leaves[1]!, leaves[0]!, ...leaves.slice(2)];
    expect(merkleRoot(swapped).toString('hex')).not.toBe(base);
    expect(merkleRoot(leaves.slice(0, 4)).toString('hex')).not.toBe(base);
  });
});
