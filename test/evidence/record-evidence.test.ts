import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedger, type Ledger } from '../../src/evidence/ledger/create-ledger.ts';
import { createEvidence, type Evidence } from '../../src/evidence/record-evidence.ts';
import { loadOrCreateSigningKey, type SigningKey } from '../../src/evidence/signing/signing-key.ts';
import { verifyEvidenceBundle } from '../../src/evidence/signing/verify-bundle.ts';
import { openPgliteStore, steppingClock, type TestStore } from './support/test-store.ts';

describe('src/evidence/record-evidence', () => {
  let store: TestStore;
  let dir: string;
  let key: SigningKey;
  let ledger: Ledger;
  let evidence: Evidence;
  const input = {
    kind: 'run.succeeded',
    subject: 'checkout/prod',
    summary: 'rollback checkout v1.4.2 → v1.4.1 (6 pods)',
    actor: 'U024BE7LH',
    body: { plan: { from: 'v1.4.2', to: 'v1.4.1' }, approvals: ['U0APPROVER'], outcome: 'healthy' },
  };

  beforeAll(async () => {
    store = await openPgliteStore();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mc-evidence-'));
    key = await loadOrCreateSigningKey({ dataDir: dir });
    ledger = createLedger(store.db, { clock: steppingClock('2025-03-04T05:06:07.000Z') });
    evidence = createEvidence({ db: store.db, ledger, key, publicUrl: 'https://mc.example.com/' });
  });
  afterAll(async () => {
    await store?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('stores a signed canonical document and records it in the ledger', async () => {
    const recorded = await evidence.record(input);
    expect(recorded.id).toMatch(/^ev_[a-z2-7]{16}$/);
    expect(recorded.url).toBe(`https://mc.example.com/evidence/${recorded.id}`);
    const record = await evidence.get(recorded.id);
    expect(record).not.toBeNull();
    const document = JSON.parse(record!.document);
    expect(document).toEqual({
      id: recorded.id,
      ...input,
      recordedAt: record!.recordedAt,
      ledgerSeq: recorded.ledgerSeq,
    });
    expect(record!.digest).toBe(createHash('sha256').update(record!.document).digest('hex'));
    expect(recorded.digest).toBe(record!.digest);

    const check = verifyEvidenceBundle(JSON.parse(record!.bundle), {
      key,
      document: Buffer.from(record!.document),
    });
    expect(check).toMatchObject({ ok: true, digest: record!.digest });
    if (check.ok) {
      expect(check.statement.subject[0]?.name).toBe(`evidence/${recorded.id}.json`);
      expect(check.statement.predicate).toEqual({
        kind: input.kind,
        subject: input.subject,
        summary: input.summary,
        recordedAt: record!.recordedAt,
        ledgerSeq: recorded.ledgerSeq,
      });
    }

    const entries = [];
    for await (const entry of ledger.read({ from: recorded.ledgerSeq, to: recorded.ledgerSeq }))
      entries.push(entry);
    expect(entries).toEqual([
      expect.objectContaining({
        kind: 'evidence.recorded',
        actor: input.actor,
        subject: input.subject,
        at: record!.recordedAt,
        data: { id: recorded.id, digest: recorded.digest },
      }),
    ]);
    expect(await evidence.bundle(recorded.id)).toBe(record!.bundle);
  });

  it('writes nothing when any part fails: no bundle without its entry, no entry without its bundle', async () => {
    const before = await ledger.head();
    const count = async () =>
      Number(
        (await store.db.query<{ n: string }>('SELECT count(*) AS n FROM evidence')).rows[0]?.n,
      );
    const rows = await count();
    // PostgreSQL text cannot hold NUL: the evidence INSERT fails after the ledger entry was written.
    await expect(evidence.record({ ...input, summary: 'bad \u0000 summary' })).rejects.toThrow();
    await expect(
      store.db.transaction(async (tx) => {
        await evidence.record(input, { tx });
        throw new Error('the caller failed afterwards');
      }),
    ).rejects.toThrow(/caller failed/);
    expect(await ledger.head()).toEqual(before);
    expect(await count()).toBe(rows);
    expect(await ledger.verify()).toMatchObject({ ok: true });
  });

  it('returns null for unknown and malformed ids without guessing', async () => {
    expect(await evidence.get('ev_aaaaaaaaaaaaaaaa')).toBeNull();
    expect(await evidence.get("ev_' OR 1=1 --")).toBeNull();
    expect(await evidence.bundle('../../etc/passwd')).toBeNull();
  });

  it('records concurrently into one valid chain', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => evidence.record({ ...input, summary: `run ${i}` })),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(20);
    expect(await ledger.verify()).toMatchObject({ ok: true });
  });
});
