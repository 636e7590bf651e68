import { createHash } from 'node:crypto';

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** RFC 6962 leaf hash: sha256(0x00 || leaf bytes). */
export function merkleLeafHash(leaf: Buffer): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(leaf).digest();
}

/** RFC 6962 interior node hash: sha256(0x01 || left || right). */
export function merkleNodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/**
 * RFC 6962 Merkle tree hash over leaves in order, computed level by level: pairs are
 * hashed left to right and an odd last node is promoted unchanged to the next level,
 * which yields the same root as the RFC's recursive split at the largest power of two.
 * The root of no leaves is sha256 of the empty string.
 */
export function merkleRoot(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return createHash('sha256').digest();
  let level = leaves.map(merkleLeafHash);
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) {
      next.push(merkleNodeHash(level[i]!, level[i + 1]!));
    }
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
  }
  return level[0]!;
}

/** Merkle root over ledger entry hashes (hex), each leaf being the 32 hash bytes. */
export function ledgerMerkleRoot(entryHashes: string[]): string {
  return merkleRoot(entryHashes.map((hex) => Buffer.from(hex, 'hex'))).toString('hex');
}
