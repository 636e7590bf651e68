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

  describe('urgent calls (a webhook waiting for its 2xx)', () => {
    /** A transaction that holds the connection until released; resolves when it started. */
    function holder() {
      let release = () => {};
      let started = () => {};
      const running = new Promise<void>((resolve) => {
        started = resolve;
      });
      const done = db.transaction(async (tx) => {
        await tx.query('SELECT 1');
        started();
        await new Promise<void>((resolve) => {
          release = resolve;
        });
      });
      return { running, done, release: () => release() };
    }

    it('go ahead of background work already waiting', async () => {
      const urgent = db.urgent!;
      const held = holder();
      await held.running;
      const order: string[] = [];
      const background = [1, 2, 3].map((n) =>
        db.query('SELECT 1').then(() => order.push(`background ${n}`)),
      );
      const webhook = urgent.query('SELECT 1').then(() => order.push('urgent'));
      held.release();
      await Promise.all([held.done, webhook, ...background]);
      expect(order).toEqual(['urgent', 'background 1', 'background 2', 'background 3']);
    });

    it('never starve background work: after 4 urgent calls in a row, a waiting one goes', async () => {
      const urgent = db.urgent!;
      const held = holder();
      await held.running;
      const order: string[] = [];
      const background = db.query('SELECT 1').then(() => order.push('background'));
      const webhooks = Array.from({ length: 6 }, (_, n) =>
        urgent.query('SELECT 1').then(() => order.push(`urgent ${n}`)),
      );
      held.release();
      await Promise.all([held.done, background, ...webhooks]);
      expect(order).toEqual([
        'urgent 0',
        'urgent 1',
        'urgent 2',
        'urgent 3',
        'background',
        'urgent 4',
        'urgent 5',
      ]);
    });

    it('lets the event loop turn between queued calls, so a long run of background work cannot hold requests back', async () => {
      const held = holder();
      await held.running;
      const finished: number[] = [];
      const queued = Array.from({ length: 50 }, (_, n) =>
        db.query('SELECT 1').then(() => finished.push(n)),
      );
      // Stands for a request read meanwhile: it runs after the first call, long before the last.
      let seenAfter: number | undefined;
      const request = new Promise<void>((resolve) =>
        setImmediate(() => {
          seenAfter = finished.length;
          resolve();
        }),
      );
      held.release();
      await Promise.all([held.done, request, ...queued]);
      expect(seenAfter).toBeLessThan(5);
    });
  });

  it('close() lets the calls already queued finish, then refuses new ones', async () => {
    const own = await openPgliteDb({ dataDir: null, log: captureLogs().log });
    let release = () => {};
    let started = () => {};
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const held = own.transaction(
      () =>
        new Promise<void>((resolve) => {
          release = resolve;
          started();
        }),
    );
    await running;
    const queued = [own.query('SELECT 1 AS n'), own.urgent!.query('SELECT 2 AS n')];
    const closing = own.close();
    release();
    await held;
    expect((await Promise.all(queued)).map((r) => r.rows)).toEqual([[{ n: 1 }], [{ n: 2 }]]);
    await closing;
    await expect(own.query('SELECT 1')).rejects.toThrow(/closed/);
  });
});
