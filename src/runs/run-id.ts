import { randomBytes } from 'node:crypto';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A new run id: `r_` + 12 lowercase base32 characters (60 random bits), short enough to quote. */
export function newRunId(): string {
  const bytes = randomBytes(12);
  let out = 'r_';
  for (let i = 0; i < 12; i++) out += BASE32[(bytes[i] ?? 0) & 31];
  return out;
}
