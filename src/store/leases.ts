import type { Db, Transaction } from './db.ts';

/** A lease as its holder got it: valid until `expiresAt` (database time) unless renewed. */
export interface Lease {
  name: string;
  holder: string;
  /** Grows at every change of holder: the fencing token of this holding. */
  generation: number;
  expiresAt: Date;
}

/** The holder lost the lease (it expired and another bot took it): it must not act. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  constructor(readonly lease: Pick<Lease, 'name' | 'holder' | 'generation'>) {
    super(
      `lease ${lease.name} (generation ${lease.generation}) is no longer held by ${lease.holder}; ` +
        'another bot took it over, so this one does nothing more under it',
    );
  }
}

/**
 * Named leases in the `leases` table, for one holder. Expiry is the database's clock, so
 * bots whose clocks disagree still agree on who holds what.
 */
export interface Leases {
  readonly holder: string;
  readonly ttlMs: number;
  /** Takes the lease when it is free, expired or already ours (then extends it); else undefined. */
  acquire(name: string): Promise<Lease | undefined>;
  /** Extends a lease we hold, same generation; undefined when it was lost meanwhile. */
  renew(lease: Lease): Promise<Lease | undefined>;
  /** Gives the lease up at once (it expires now), so another bot takes it without waiting. */
  release(lease: Lease): Promise<void>;
  /** Who holds `name` now, if anyone (expired leases are no one's). */
  current(name: string): Promise<Lease | undefined>;
  /**
   * Runs fn in a transaction that first proves `lease` is still held (row share-locked, so no
   * takeover commits before fn does). Throws LeaseLostError otherwise: a stale holder cannot write.
   */
  fenced<T>(lease: Lease, fn: (tx: Transaction) => Promise<T>): Promise<T>;
}

export interface LeasesOptions {
  holder: string;
  /** How long a lease lasts without renewal. Default 15 s. */
  ttlMs?: number;
  /**
   * The database is this process's alone (PGlite behind its data-dir lock): every lease is
   * held by construction, and no query is made for it.
   */
  exclusive?: boolean;
}

interface LeaseRow {
  name: string;
  holder: string;
  generation: string;
  expires_at: Date;
}

// A free or expired lease changes holder (new generation); our own unexpired one is extended.
// PostgreSQL re-checks the WHERE on the locked row, so of N racing bots exactly one wins.
const ACQUIRE = `
  INSERT INTO leases AS l (name, holder, generation, acquired_at, expires_at)
  VALUES ($1, $2, 1, now(), now() + make_interval(secs => $3::float8))
  ON CONFLICT (name) DO UPDATE SET
    generation = CASE WHEN l.holder = EXCLUDED.holder AND l.expires_at > now()
                      THEN l.generation ELSE l.generation + 1 END,
    acquired_at = CASE WHEN l.holder = EXCLUDED.holder AND l.expires_at > now()
                       THEN l.acquired_at ELSE now() END,
    holder = EXCLUDED.holder,
    expires_at = EXCLUDED.expires_at
  WHERE l.holder = EXCLUDED.holder OR l.expires_at <= now()
  RETURNING name, holder, generation, expires_at`;

const RENEW = `
  UPDATE leases SET expires_at = now() + make_interval(secs => $4::float8)
  WHERE name = $1 AND holder = $2 AND generation = $3 AND expires_at > now()
  RETURNING name, holder, generation, expires_at`;

const RELEASE = `
  UPDATE leases SET expires_at = now()
  WHERE name = $1 AND holder = $2 AND generation = $3 AND expires_at > now()`;

const CURRENT = `
  SELECT name, holder, generation, expires_at FROM leases WHERE name = $1 AND expires_at > now()`;

const FENCE = `
  SELECT 1 FROM leases
  WHERE name = $1 AND holder = $2 AND generation = $3 AND expires_at > now()
  FOR SHARE`;

function toLease(row: LeaseRow | undefined): Lease | undefined {
  if (!row) return undefined;
  const { name, holder, generation, expires_at } = row;
  return { name, holder, generation: Number(generation), expiresAt: expires_at };
}

function checkName(name: string): void {
  if (!/^[a-z0-9][a-z0-9.:_-]{0,199}$/.test(name)) {
    throw new Error(
      `lease name ${JSON.stringify(name)} must be 1-200 characters of a-z 0-9 . : _ - (e.g. runs.expire-stale)`,
    );
  }
}

/** Leases for `holder` on `db`; with `exclusive`, every lease is ours without a query. */
export function createLeases(db: Db, options: LeasesOptions): Leases {
  const { holder } = options;
  const ttlMs = options.ttlMs ?? 15_000;
  if (!(ttlMs > 0) || !Number.isFinite(ttlMs)) {
    throw new RangeError(`lease ttlMs must be a number of milliseconds > 0, got ${ttlMs}`);
  }
  if (holder.length === 0) throw new Error('a lease holder id must not be empty');
  const seconds = ttlMs / 1000;
  if (options.exclusive) return exclusiveLeases(db, holder, ttlMs);
  return {
    holder,
    ttlMs,
    async acquire(name) {
      checkName(name);
      const { rows } = await db.query<LeaseRow>(ACQUIRE, [name, holder, seconds]);
      return toLease(rows[0]);
    },
    async renew(lease) {
      const params = [lease.name, holder, lease.generation, seconds];
      return toLease((await db.query<LeaseRow>(RENEW, params)).rows[0]);
    },
    async release(lease) {
      await db.query(RELEASE, [lease.name, holder, lease.generation]);
    },
    async current(name) {
      return toLease((await db.query<LeaseRow>(CURRENT, [name])).rows[0]);
    },
    fenced(lease, fn) {
      return db.transaction(async (tx) => {
        const held = await tx.query(FENCE, [lease.name, holder, lease.generation]);
        if (held.rowCount === 0) throw new LeaseLostError({ ...lease, holder });
        return fn(tx);
      });
    },
  };
}

/** One process on its own database: it holds every lease forever, at no cost. */
function exclusiveLeases(db: Db, holder: string, ttlMs: number): Leases {
  const forever = new Date(8_640_000_000_000_000);
  const held = (name: string): Lease => ({ name, holder, generation: 1, expiresAt: forever });
  return {
    holder,
    ttlMs,
    async acquire(name) {
      checkName(name);
      return held(name);
    },
    async renew(lease) {
      return held(lease.name);
    },
    async release() {},
    async current(name) {
      return held(name);
    },
    fenced(_lease, fn) {
      return db.transaction(fn);
    },
  };
}
