import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.ts';
import { createLeases, type Lease, LeaseLostError } from '../../src/store/leases.ts';
import { openStore, type Store } from '../../src/store/open-store.ts';
import { createTestDatabase, postgresSkipReason } from '../support/postgres.ts';
import { captureLogs } from '../support/slack-logs.ts';

/** Polls `read` until it returns a value (bounded by the test timeout, not by a clock assert). */
async function until<T>(read: () => Promise<T | undefined>, everyMs = 20): Promise<T> {
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    await delay(everyMs);
  }
}

describe.skipIf(postgresSkipReason() !== null)('src/store/leases on PostgreSQL', () => {
  let database: { url: string; drop(): Promise<void> };
  let store: Store;
  let db: Db;

  beforeEach(async () => {
    database = await createTestDatabase();
    store = await openStore({ databaseUrl: database.url, dataDir: null, log: captureLogs().log });
    db = store.db;
  });

  afterEach(async () => {
    await store.close();
    await database.drop();
  });

  it('gives a free lease to one holder; others get it only once it is released', async () => {
    const a = createLeases(db, { holder: 'bot-a', ttlMs: 60_000 });
    const b = createLeases(db, { holder: 'bot-b', ttlMs: 60_000 });
    const first = await a.acquire('runs.expire-stale');
    expect(first).toMatchObject({ holder: 'bot-a', generation: 1 });
    expect(await b.acquire('runs.expire-stale')).toBeUndefined();
    expect(await b.current('runs.expire-stale')).toMatchObject({ holder: 'bot-a' });

    // The holder acquiring again extends its own lease, same generation.
    const again = await a.acquire('runs.expire-stale');
    expect(again?.generation).toBe(1);
    const renewed = await a.renew(first as Lease);
    expect(renewed?.generation).toBe(1);

    await a.release(renewed as Lease);
    expect(await a.current('runs.expire-stale')).toBeUndefined();
    const taken = await b.acquire('runs.expire-stale');
    expect(taken).toMatchObject({ holder: 'bot-b', generation: 2 });
    // The old holder's token is dead: it can neither renew nor act.
    expect(await a.renew(renewed as Lease)).toBeUndefined();
  });

  it('of many holders racing for one free lease, exactly one wins', async () => {
    const holders = Array.from({ length: 8 }, (_, i) =>
      createLeases(db, { holder: `bot-${i}`, ttlMs: 60_000 }),
    );
    const got = await Promise.all(holders.map((h) => h.acquire('ledger.daily-roots')));
    const winners = got.filter((lease) => lease !== undefined);
    expect(winners).toHaveLength(1);
    expect(await holders[0]?.current('ledger.daily-roots')).toMatchObject({
      holder: winners[0]?.holder,
    });
  });

  it('an expired lease goes to another holder, and the stale holder can no longer write', async () => {
    await db.query('CREATE TABLE fenced_effects (writer text NOT NULL)');
    const a = createLeases(db, { holder: 'bot-a', ttlMs: 300 });
    const b = createLeases(db, { holder: 'bot-b', ttlMs: 60_000 });
    const stale = await a.acquire('drill:d1');
    expect(stale).toBeDefined();
    const write = (writer: string) => (tx: { query: Db['query'] }) =>
      tx.query('INSERT INTO fenced_effects (writer) VALUES ($1)', [writer]);
    await a.fenced(stale as Lease, write('bot-a while holding'));

    // bot-a stops renewing (as if dead); bot-b wins once the database's clock passes expiry.
    const taken = await until(() => b.acquire('drill:d1'));
    expect(taken).toMatchObject({ holder: 'bot-b', generation: 2 });

    await expect(a.fenced(stale as Lease, write('bot-a after losing'))).rejects.toThrow(
      LeaseLostError,
    );
    await b.fenced(taken, write('bot-b'));
    const { rows } = await db.query<{ writer: string }>('SELECT writer FROM fenced_effects');
    expect(rows.map((r) => r.writer).sort()).toEqual(['bot-a while holding', 'bot-b']);
  });

  it('a takeover waits for the stale holder’s fenced write in flight, never interleaves', async () => {
    const a = createLeases(db, { holder: 'bot-a', ttlMs: 400 });
    const b = createLeases(db, { holder: 'bot-b', ttlMs: 60_000 });
    const lease = (await a.acquire('gates.waiver-expiry')) as Lease;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked!: () => void;
    const inside = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const writing = a.fenced(lease, async () => {
      locked();
      await gate;
      return 'written';
    });
    await inside;
    // The lease row is share-locked by the fenced transaction: bot-b's takeover waits for it.
    let tookOver = false;
    const taking = until(() => b.acquire('gates.waiver-expiry')).then((got) => {
      tookOver = true;
      return got;
    });
    // Past the ttl, bot-b's acquire is blocked on the row lock (not refused): wait for that.
    await until(async () => {
      const { rows } = await db.query(
        `SELECT 1 FROM pg_stat_activity
         WHERE datname = current_database() AND wait_event_type = 'Lock'
           AND query LIKE '%INSERT INTO leases%'`,
      );
      return rows[0];
    });
    expect(tookOver).toBe(false);
    release();
    expect(await writing).toBe('written');
    expect(await taking).toMatchObject({ holder: 'bot-b', generation: 2 });
  });

  it('refuses bad names and durations with a clear error', async () => {
    const a = createLeases(db, { holder: 'bot-a' });
    await expect(a.acquire('Has Spaces')).rejects.toThrow(/lease name "Has Spaces" must be/);
    expect(() => createLeases(db, { holder: 'bot-a', ttlMs: 0 })).toThrow(/ttlMs/);
    expect(() => createLeases(db, { holder: '' })).toThrow(/holder id must not be empty/);
  });
});

describe('src/store/leases on the embedded store (exclusive)', () => {
  it('holds every lease without touching the leases table', async () => {
    const store = await openStore({ dataDir: null, log: captureLogs().log });
    try {
      const leases = createLeases(store.db, { holder: 'only-bot', exclusive: true });
      const lease = await leases.acquire('runs.expire-stale');
      expect(lease).toMatchObject({ holder: 'only-bot' });
      expect(await leases.renew(lease as Lease)).toBeDefined();
      expect(await leases.fenced(lease as Lease, async () => 'ran')).toBe('ran');
      const { rows } = await store.db.query('SELECT * FROM leases');
      expect(rows).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
