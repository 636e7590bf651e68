import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLeaseKeeper, type LeaseKeeper } from '../../src/store/lease-keeper.ts';
import { createLeases } from '../../src/store/leases.ts';
import { openStore, type Store } from '../../src/store/open-store.ts';
import { createTestDatabase, postgresSkipReason } from '../support/postgres.ts';
import { captureLogs } from '../support/slack-logs.ts';

async function until<T>(read: () => T | undefined | Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await read();
    if (value !== undefined && value !== false) return value;
    await delay(20);
  }
}

interface Bot {
  name: string;
  store: Store;
  keeper: LeaseKeeper;
  /** Its database connections are closed (the bot "died"). */
  closed: boolean;
}

describe.skipIf(postgresSkipReason() !== null)('src/store/lease-keeper on PostgreSQL', () => {
  let database: { url: string; drop(): Promise<void> };
  let bots: Bot[];

  async function bot(name: string): Promise<Bot> {
    const { log } = captureLogs();
    const store = await openStore({ databaseUrl: database.url, dataDir: null, log });
    const leases = createLeases(store.db, { holder: name, ttlMs: 600 });
    const keeper = createLeaseKeeper({ leases, log, renewEveryMs: 150 });
    keeper.job('test.job', {
      everyMs: 50,
      // The effect lands in the shared database only while the lease is provably held.
      run: (lease) =>
        keeper.fenced(lease, (tx) =>
          tx.query('INSERT INTO job_runs (bot, generation) VALUES ($1, $2)', [
            name,
            lease.generation,
          ]),
        ),
    });
    const made: Bot = { name, store, keeper, closed: false };
    bots.push(made);
    return made;
  }

  async function runsBy(): Promise<Map<string, number[]>> {
    const { rows } = await bots
      .find((x) => !x.closed)!
      .store.db.query<{ bot: string; generation: string }>(
        'SELECT bot, generation FROM job_runs ORDER BY id',
      );
    const by = new Map<string, number[]>();
    for (const row of rows) by.set(row.bot, [...(by.get(row.bot) ?? []), Number(row.generation)]);
    return by;
  }

  beforeEach(async () => {
    database = await createTestDatabase();
    bots = [];
  });

  afterEach(async () => {
    for (const b of bots) {
      if (b.closed) continue;
      await b.keeper.stop();
      await b.store.close();
    }
    await database.drop();
  });

  it('runs a job on one bot only; when that bot dies another takes it over', async () => {
    const a = await bot('bot-a');
    await a.store.db.query(
      'CREATE TABLE job_runs (id serial PRIMARY KEY, bot text NOT NULL, generation bigint NOT NULL)',
    );
    const b = await bot('bot-b');
    const c = await bot('bot-c');
    await a.keeper.start();
    await Promise.all([b.keeper.start(), c.keeper.start()]);
    expect(a.keeper.held('test.job')).toBeDefined();
    expect(b.keeper.held('test.job')).toBeUndefined();
    expect(c.keeper.held('test.job')).toBeUndefined();
    // Several renew rounds later, still only bot-a has run it.
    await until(async () => ((await runsBy()).get('bot-a')?.length ?? 0) >= 10);
    expect([...(await runsBy()).keys()]).toEqual(['bot-a']);

    // bot-a dies: its connections go, it renews nothing and releases nothing.
    a.closed = true;
    await a.store.close();
    const next = await until(() => [b, c].find((x) => x.keeper.held('test.job') !== undefined));
    const other = next === b ? c : b;
    await until(async () => ((await runsBy()).get(next.name)?.length ?? 0) >= 3);
    const by = await runsBy();
    expect(by.get(next.name)?.every((g) => g === 2)).toBe(true);
    expect(by.has(other.name)).toBe(false);
    expect(by.get('bot-a')?.every((g) => g === 1)).toBe(true);
    await a.keeper.stop();
  });

  it('a stopped bot hands its leases over at once (released, not left to expire)', async () => {
    const a = await bot('bot-a');
    await a.store.db.query(
      'CREATE TABLE job_runs (id serial PRIMARY KEY, bot text NOT NULL, generation bigint NOT NULL)',
    );
    const b = await bot('bot-b');
    await a.keeper.start();
    await b.keeper.start();
    await a.keeper.stop();
    expect(await b.keeper.leases.current('test.job')).toBeUndefined();
    await until(() => b.keeper.held('test.job'));
    expect(b.keeper.held('test.job')?.generation).toBe(2);
  });

  it('per-item holds: one bot holds an item until it drops it', async () => {
    const a = await bot('bot-a');
    await a.store.db.query(
      'CREATE TABLE job_runs (id serial PRIMARY KEY, bot text NOT NULL, generation bigint NOT NULL)',
    );
    const b = await bot('bot-b');
    await Promise.all([a.keeper.start(), b.keeper.start()]);
    expect(await a.keeper.hold('drill:d1')).toMatchObject({ holder: 'bot-a' });
    expect(await b.keeper.hold('drill:d1')).toBeUndefined();
    // Kept renewed by bot-a's keeper well past one ttl.
    const first = await a.keeper.leases.current('drill:d1');
    await until(async () => {
      const now = await a.keeper.leases.current('drill:d1');
      return now && first && now.expiresAt > first.expiresAt ? now : undefined;
    });
    expect(await b.keeper.hold('drill:d1')).toBeUndefined();
    await a.keeper.drop('drill:d1');
    expect(await b.keeper.hold('drill:d1')).toMatchObject({ holder: 'bot-b', generation: 2 });
  });

  it('refuses a renew interval that is not below the ttl', async () => {
    const { log } = captureLogs();
    const store = await openStore({ databaseUrl: database.url, dataDir: null, log });
    try {
      const leases = createLeases(store.db, { holder: 'x', ttlMs: 1000 });
      expect(() => createLeaseKeeper({ leases, log, renewEveryMs: 1000 })).toThrow(
        /renewEveryMs \(1000\) must be > 0 and below the lease ttl/,
      );
    } finally {
      await store.close();
    }
  });
});
