import { createHash, timingSafeEqual } from 'node:crypto';

/** Whether an Authorization header carries the expected bearer token. */
export type BearerVerdict = 'ok' | 'missing' | 'invalid';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * Checks `Authorization: Bearer <token>` in constant time: both sides are hashed first, so
 * neither the token's content nor its length shows in the timing.
 */
export function checkBearer(header: string | undefined, expected: string): BearerVerdict {
  if (!header) return 'missing';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header.trim());
  if (!match?.[1]) return 'invalid';
  return timingSafeEqual(digest(match[1]), digest(expected)) ? 'ok' : 'invalid';
}
