import { randomBytes } from 'node:crypto';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const ID_PATTERN = /^ev_[a-z2-7]{16}$/;

/** A new evidence id: `ev_` + 16 lowercase base32 characters (80 random bits), URL-safe. */
export function newEvidenceId(): string {
  const bytes = randomBytes(10);
  let bits = 0;
  let value = 0;
  let out = 'ev_';
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff; // at most 12 bits are ever pending
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/** True for strings shaped like an evidence id; everything else is refused before any lookup. */
export function isEvidenceId(value: string): boolean {
  return ID_PATTERN.test(value);
}
