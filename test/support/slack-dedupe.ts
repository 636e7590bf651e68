import type { RequestDedupe } from '../../src/slack/request-dedupe.ts';

/** RequestDedupe in memory, with a clock the test controls; records every claim. */
export function createMemoryDedupe(now: () => number = Date.now) {
  const seen = new Map<string, number>();
  const claims: Array<{ key: string; first: boolean }> = [];
  const dedupe: RequestDedupe & { claims: typeof claims } = {
    claims,
    async claim(key, ttlSeconds) {
      const expires = seen.get(key);
      const first = expires === undefined || expires <= now();
      if (first) seen.set(key, now() + ttlSeconds * 1000);
      claims.push({ key, first });
      return first;
    },
  };
  return dedupe;
}

/** A RequestDedupe whose store is down: every claim throws. */
export function createBrokenDedupe(message = 'database unavailable'): RequestDedupe {
  return {
    async claim() {
      throw new Error(message);
    },
  };
}
