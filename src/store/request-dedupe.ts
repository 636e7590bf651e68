import type { Db } from './db.ts';
import { StorageUnavailableError } from './errors.ts';

/**
 * Remembers which deliveries were already handled. `claim` is true the first time a key is
 * seen within ttlSeconds and false for every repeat, across every process on one database.
 */
export interface RequestDedupe {
  claim(key: string, ttlSeconds: number): Promise<boolean>;
}

export interface DbRequestDedupe extends RequestDedupe {
  /** Deletes expired keys now; returns how many. claim() also does this once per interval. */
  prune(): Promise<number>;
}

// Inserting the key claims it. A key that exists but has expired is taken over by the UPDATE,
// whose WHERE PostgreSQL re-checks on the locked row, so of N racing claims exactly one wins.
const CLAIM = `
  INSERT INTO request_dedupe AS d (key, claimed_at, expires_at)
  VALUES ($1, now(), now() + make_interval(secs => $2))
  ON CONFLICT (key) DO UPDATE
    SET claimed_at = EXCLUDED.claimed_at, expires_at = EXCLUDED.expires_at
    WHERE d.expires_at <= now()
  RETURNING key`;

// Bounded so that a large backlog never holds locks for long; the next interval takes the rest.
const PRUNE = `
  DELETE FROM request_dedupe WHERE key IN (
    SELECT key FROM request_dedupe WHERE expires_at <= now() LIMIT 5000
  )`;

/** Request dedupe on the `request_dedupe` table; time is the database's, shared by replicas. */
export function createRequestDedupe(
  db: Db,
  options: { pruneIntervalMs?: number } = {},
): DbRequestDedupe {
  const pruneIntervalMs = options.pruneIntervalMs ?? 60_000;
  let lastPrune = Date.now();

  async function prune(): Promise<number> {
    lastPrune = Date.now();
    return (await db.query(PRUNE)).rowCount;
  }

  return {
    prune,
    async claim(key, ttlSeconds) {
      if (key.length === 0) throw new Error('dedupe key must not be empty');
      if (!Number.isFinite(ttlSeconds) || ttlSeconds < 0) {
        throw new Error(`dedupe ttlSeconds must be a number >= 0, got ${ttlSeconds}`);
      }
      try {
        if (Date.now() - lastPrune >= pruneIntervalMs) await prune();
        const result = await db.query(CLAIM, [key, ttlSeconds]);
        return result.rowCount === 1;
      } catch (error) {
        // Without the claim we cannot tell a retry from a first delivery: run nothing.
        throw new StorageUnavailableError(error);
      }
    },
  };
}
