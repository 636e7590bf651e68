import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.ts';
import { openPgliteDb } from '../../src/store/pglite-db.ts';
import { captureLogs } from '../support/slack-logs.ts';
import { describeStoreContract } from './store-contract.ts';

describeStoreContract('PGlite in memory', async () => {
  const db = await openPgliteDb({ dataDir: null, log: captureLogs().log });
  return { db, again: null, dispose: () => db.close() };
});

describe('src/store/pglite-db', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openPgliteDb({ dataDir: null, log: captureLogs().log });
    await db.query('CREATE TABLE events (n int)');
  });
  afterAll(async () => db?.close());

  it('runs concurrent transactions one after another, never interleaved', async () => {
    const trace: string[] = [];
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        db.transaction(async (tx) => {
          trace.push(`begin ${i}`);
          await new Promise((resolve) => setTimeout(resolve, 2));
          await tx.query('INSERT INTO events VALUES ($1)', [i]);
          trace.push(`end ${i}`);
        }),
      ),
    );
    expect(trace).toHaveLength(20);
    for (let k = 0; k < trace.length; k += 2) {
      expect(trace[k + 1]).toBe(trace[k]?.replace('begin', 'end'));
    }
  });

  it('makes a query from outside wait for the open transaction to finish', async () => {
    await db.query('DELETE FROM events');
    let releaseTx = () => {};
    const gate = new Promise<void>((resolve) => {
      releaseTx = resolve;
    });
    const tx = db.transaction(async (t) => {
      await t.query('INSERT INTO events VALUES (42)');
      await gate;
      await t.query('INSERT INTO events VALUES (43)');
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const outside = db.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
    let answered = false;
    void outside.then(() => {
      answered = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(answered).toBe(false);
    releaseTx();
    await tx;
    expect((await outside).rows).toEqual([{ n: 2 }]);
  });

  it('fails loudly, instead of hanging, when the Db is used inside its own transaction', async () => {
    const misuse = db.transaction(async () => db.query('SELECT 1'));
    await expect(misuse).rejects.toThrow(/use the tx passed to the callback/);
    const nested = db.transaction(async () => db.transaction(async () => 1));
    await expect(nested).rejects.toThrow(/inside db.transaction\(\)/);
    // Work started inside a transaction but run after it ended is fine.
    let later: Promise<unknown> = Promise.resolve();
    await db.transaction(async () => {
      later = new Promise((resolve) => setTimeout(resolve, 5)).then(() => db.query('SELECT 1'));
    });
    await expect(later).resolves.toMatchObject({ rowCount: 1 });
  });
});
