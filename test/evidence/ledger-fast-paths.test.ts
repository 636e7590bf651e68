import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLedger } from '../../src/evidence/ledger/create-ledger.ts';
import { postgresSkipReason } from '../support/postgres.ts';
import {
  openPgliteStore,
  openPostgresStore,
  resetLedger,
  steppingClock,
  type TestStore,
  tamper,
} from './support/test-store.ts';

const entry = (i: number) => ({
  actor: 'U024BE7LH',
  kind: 'load',
  subject: 'checkout/prod',
  data: { i },
});

function fastPathSuite(open: () => Promise<TestStore>): void {
  let store: TestStore;
  beforeAll(async () => {
    store = await open();
  });
  afterAll(async () => {
    await store?.close();
  });
  beforeEach(async () => {
    await resetLedger(store.db);
  });

  it('entries holding the page separators read back exactly and verify; tampering them is found', async () => {
    const ledger = createLedger(store.db, { clock: steppingClock(), pageSize: 4 });
    const odd = await ledger.append({
      actor: 'a\u001fb',
      kind: 'k\u001ek',
      subject: 's\u001f\u001es',
      data: { text: '\u001e\u001f' },
    });
    for (let i = 0; i < 6; i++) await ledger.append(entry(i));
    const read = [];
    for await (const e of ledger.read({ to: 1 })) read.push(e);
    expect(read).toEqual([odd]);
    expect(await ledger.verify()).toMatchObject({ ok: true, checked: 7 });
    await tamper(store.db, (tx) =>
      tx.query(`UPDATE ledger_entries SET subject = $1 WHERE seq = 1`, ['s\u001es\u001fs']),
    );
    expect(await ledger.verify()).toMatchObject({ ok: false, problem: { seq: 1 } });
  });

  it('a sub-millisecond edit of `at` is found by the fast page', async () => {
    const ledger = createLedger(store.db, { clock: steppingClock() });
    for (let i = 0; i < 3; i++) await ledger.append(entry(i));
    await tamper(store.db, (tx) =>
      tx.query(`UPDATE ledger_entries SET at = at + interval '1 microsecond' WHERE seq = 2`),
    );
    expect(await ledger.verify()).toMatchObject({ ok: false, problem: { seq: 2 } });
  });

  it('two ledgers on one store, transactions and rollbacks in between: one gapless chain', async () => {
    const a = createLedger(store.db);
    const b = createLedger(store.db);
    const seqs: number[] = [];
    for (let i = 0; i < 10; i++) {
      seqs.push((await a.append(entry(i))).seq);
      seqs.push((await b.append(entry(100 + i))).seq);
      seqs.push(
        await store.db.transaction(async (tx) => (await a.append(entry(200 + i), { tx })).seq),
      );
      await expect(
        store.db.transaction(async (tx) => {
          await b.append(entry(300 + i), { tx });
          throw new Error('rolled back');
        }),
      ).rejects.toThrow(/rolled back/);
    }
    const racing = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).append(entry(400 + i))),
    );
    seqs.push(...racing.map((e) => e.seq));
    expect(seqs.sort((x, y) => x - y)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(await a.verify()).toMatchObject({ ok: true, checked: 60, lastSeq: 60 });
    expect(await b.head()).toEqual({ seq: 60, hash: (await a.head()).hash });
  });
}

describe('src/evidence/ledger fast paths on PGlite (cached head, text pages)', () => {
  fastPathSuite(openPgliteStore);
});

describe.skipIf(postgresSkipReason() !== null)(
  'src/evidence/ledger fast paths on PostgreSQL',
  () => {
    fastPathSuite(openPostgresStore);
  },
);
