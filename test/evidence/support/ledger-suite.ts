import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { GENESIS_PREV_HASH, hashEntry } from '../../../src/evidence/ledger/canonical-entry.ts';
import { createLedger, type Ledger } from '../../../src/evidence/ledger/create-ledger.ts';
import { N, TAMPER_CASES, update } from './tamper-cases.ts';
import { resetLedger, steppingClock, type TestStore, tamper } from './test-store.ts';

/** Ledger behaviour that must hold on every backend. */
export function ledgerSuite(open: () => Promise<TestStore>): void {
  let store: TestStore;
  let ledger: Ledger;

  beforeAll(async () => {
    store = await open();
  });
  afterAll(async () => {
    await store?.close();
  });
  beforeEach(async () => {
    await resetLedger(store.db);
    ledger = createLedger(store.db, { clock: steppingClock(), pageSize: 7 });
  });

  async function fill(count = N): Promise<void> {
    for (let i = 0; i < count; i++) {
      await ledger.append({
        actor: 'U024BE7LH',
        kind: 'run.step',
        subject: 'checkout/prod',
        data: { i },
      });
    }
  }

  it('appends linked entries whose hashes recompute from their fields', async () => {
    const first = await ledger.append({
      actor: 'alice',
      kind: 'deploy',
      subject: 'checkout/prod',
      data: { b: 2, a: 'é' },
    });
    const second = await ledger.append({
      actor: 'bob',
      kind: 'rollback',
      subject: 'checkout/prod',
      data: [1, null],
    });
    expect(first).toMatchObject({
      seq: 1,
      at: '2025-01-01T00:00:00.000Z',
      prevHash: GENESIS_PREV_HASH,
      data: { a: 'é', b: 2 },
    });
    expect(second).toMatchObject({ seq: 2, at: '2025-01-01T00:00:00.001Z', prevHash: first.hash });
    const { hash, data, ...rest } = first;
    expect(hashEntry({ ...rest, dataJson: '{"a":"é","b":2}' })).toBe(hash);
    expect(await ledger.head()).toEqual({ seq: 2, hash: second.hash });
    const read = [];
    for await (const entry of ledger.read()) read.push(entry);
    expect(read).toEqual([first, second]);
  });

  it('refuses entries it could not hash or that lack who/what/which', async () => {
    await expect(ledger.append({ actor: '', kind: 'k', subject: 's', data: {} })).rejects.toThrow(
      /actor/,
    );
    await expect(
      ledger.append({ actor: 'a', kind: 'k', subject: 's', data: { n: Number.NaN } }),
    ).rejects.toThrow(/not representable/);
    expect(await ledger.head()).toEqual({ seq: 0, hash: GENESIS_PREV_HASH });
  });

  it('reads and verifies in pages, whole or by range', async () => {
    await fill();
    const seqs: number[] = [];
    for await (const entry of ledger.read({ from: 5, to: 23 })) seqs.push(entry.seq);
    expect(seqs).toEqual(Array.from({ length: 19 }, (_, i) => i + 5));
    const all = await ledger.verify();
    expect(all).toMatchObject({ ok: true, checked: N, firstSeq: 1, lastSeq: N });
    expect(all.lastHash).toBe((await ledger.head()).hash);
    const middle = await ledger.verify({ from: 10, to: 20 });
    expect(middle).toMatchObject({ ok: true, checked: 11, firstSeq: 10, lastSeq: 20 });
  });

  it('an empty ledger verifies with nothing checked', async () => {
    expect(await ledger.verify()).toEqual({
      ok: true,
      checked: 0,
      firstSeq: null,
      firstHash: null,
      lastSeq: null,
      lastHash: null,
    });
  });

  it.each(TAMPER_CASES)('detects tampering: $name', async ({ change, seq, message }) => {
    await fill();
    expect((await ledger.verify()).ok).toBe(true);
    await tamper(store.db, change);
    const report = await ledger.verify();
    expect(report.ok).toBe(false);
    expect(report.problem?.seq).toBe(seq);
    expect(report.problem?.message).toMatch(message);
    expect(report.checked).toBe(seq - 1);
  });

  it('detects a rewritten entry whose own hash was recomputed: the next link breaks', async () => {
    await fill();
    const rows = await store.db.query<{ seq: string; at: Date; prev_hash: string }>(
      'SELECT seq, at, prev_hash FROM ledger_entries WHERE seq = 42',
    );
    const row = rows.rows[0]!;
    const forged = hashEntry({
      seq: 42,
      at: row.at.toISOString(),
      actor: 'mallory',
      kind: 'run.step',
      subject: 'checkout/prod',
      dataJson: '{"i":41}',
      prevHash: row.prev_hash,
    });
    await tamper(store.db, update('actor = $1, hash = $2', 42, ['mallory', forged]));
    const report = await ledger.verify();
    expect(report.problem).toEqual({
      seq: 43,
      message: expect.stringMatching(/^seq 43: prevHash does not match seq 42's hash/),
    });
  });

  it('detects rows stored beyond the chain head', async () => {
    await fill(5);
    await tamper(store.db, (tx) =>
      tx.query(
        `INSERT INTO ledger_entries (seq, at, actor, kind, subject, data, prev_hash, hash)
         VALUES (6, now(), 'x', 'x', 'x', '{}', $1, $1)`,
        ['a'.repeat(64)],
      ),
    );
    expect((await ledger.verify()).problem?.message).toBe(
      'seq 6: stored beyond the chain head (ledger_head is at seq 5)',
    );
  });

  it('tampering outside a verified range is not reported for that range', async () => {
    await fill();
    await tamper(store.db, update('actor = $1', 50, ['mallory']));
    expect((await ledger.verify({ from: 10, to: 40 })).ok).toBe(true);
    expect((await ledger.verify({ from: 10 })).problem?.seq).toBe(50);
  });

  it('the database refuses UPDATE, DELETE and TRUNCATE of entries', async () => {
    await fill(3);
    await expect(
      store.db.query(`UPDATE ledger_entries SET actor = 'x' WHERE seq = 1`),
    ).rejects.toThrow(/append-only/);
    await expect(store.db.query('DELETE FROM ledger_entries WHERE seq = 3')).rejects.toThrow(
      /append-only/,
    );
    await expect(store.db.query('TRUNCATE ledger_entries CASCADE')).rejects.toThrow(/append-only/);
    expect(await ledger.verify()).toMatchObject({ ok: true, checked: 3 });
  });

  it('200 concurrent appends form one gapless, valid chain', async () => {
    const entries = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        ledger.append({
          actor: `user-${i % 7}`,
          kind: 'load',
          subject: 'checkout/prod',
          data: { i },
        }),
      ),
    );
    expect(entries.map((e) => e.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 200 }, (_, i) => i + 1),
    );
    expect(new Set(entries.map((e) => (e.data as { i: number }).i)).size).toBe(200);
    expect(await ledger.verify()).toMatchObject({ ok: true, checked: 200, lastSeq: 200 });
  });

  it('a rolled-back transaction leaves no entry and no gap', async () => {
    await fill(2);
    await expect(
      store.db.transaction(async (tx) => {
        await ledger.append({ actor: 'a', kind: 'k', subject: 's', data: {} }, { tx });
        throw new Error('caller failed after appending');
      }),
    ).rejects.toThrow(/caller failed/);
    const next = await ledger.append({ actor: 'a', kind: 'k', subject: 's', data: {} });
    expect(next.seq).toBe(3);
    expect(await ledger.verify()).toMatchObject({ ok: true, checked: 3 });
  });
}
