import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferIo } from '../../src/cli/io.ts';
import { runLedger } from '../../src/cli/ledger.ts';
import { hashEntry } from '../../src/evidence/ledger/canonical-entry.ts';
import { createLedger } from '../../src/evidence/ledger/create-ledger.ts';
import { fetchRows } from '../../src/evidence/ledger/ledger-rows.ts';
import { recordMissingRoots } from '../../src/evidence/ledger/signed-roots.ts';
import { createEvidence } from '../../src/evidence/record-evidence.ts';
import { loadOrCreateSigningKey } from '../../src/evidence/signing/signing-key.ts';
import type { Db } from '../../src/store/db.ts';
import { openStore } from '../../src/store/open-store.ts';
import { silentLog, steppingClock, tamper } from '../evidence/support/test-store.ts';

/**
 * What someone with write access to the database but not the signing key can do: change an
 * entry and recompute every later hash and link, so the chain still verifies on its own.
 */
async function rewriteFrom(db: Db, seq: number, data: string): Promise<void> {
  await tamper(db, async (tx) => {
    const { rows } = await tx.query<{ n: string }>(
      'SELECT max(seq)::text AS n FROM ledger_entries',
    );
    const last = Number(rows[0]!.n);
    const stored = await fetchRows(tx, seq, last);
    let prevHash = stored[0]!.prevHash;
    for (const row of stored) {
      const dataJson = row.seq === seq ? data : row.dataJson;
      const hash = hashEntry({ ...row, dataJson, prevHash });
      await tx.query(
        'UPDATE ledger_entries SET data = $2, prev_hash = $3, hash = $4 WHERE seq = $1',
        [row.seq, dataJson, prevHash, hash],
      );
      prevHash = hash;
    }
    await tx.query('UPDATE ledger_head SET hash = $1', [prevHash]);
  });
}

describe('src/cli/ledger verify against the signed daily roots', () => {
  let dir: string;
  const dataDir = () => path.join(dir, 'data');

  async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    const store = await openStore({ dataDir: dataDir(), log: silentLog });
    try {
      return await fn(store.db);
    } finally {
      await store.close();
    }
  }

  async function run(...argv: string[]) {
    const out = bufferIo(dir, { MC_DATA_DIR: 'data', MC_PUBLIC_URL: 'https://mc.example.com' });
    const code = await runLedger(argv, out.io);
    return { code, stdout: out.stdout(), stderr: out.stderr() };
  }

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mc-cli-roots-'));
    await withDb(async (db) => {
      // 30 entries two hours apart from 2025-03-01T01:00Z: seq 1-12 on Mar 1, 13-24 on Mar 2, …
      const ledger = createLedger(db, {
        clock: steppingClock('2025-03-01T01:00:00.000Z', 2 * 3_600_000),
      });
      for (let i = 0; i < 30; i++) {
        await ledger.append({
          actor: 'U024BE7LH',
          kind: 'deploy',
          subject: 'checkout/prod',
          data: { i },
        });
      }
    });
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('signs each finished day once, and verify checks the chain against them', async () => {
    const signed = await withDb(async (db) => {
      const ledger = createLedger(db);
      const key = await loadOrCreateSigningKey({ dataDir: dataDir() });
      const evidence = createEvidence({ db, ledger, key, publicUrl: 'https://mc.example.com' });
      const now = new Date('2025-03-03T12:00:00.000Z');
      const first = await recordMissingRoots({ db, ledger, evidence, now, log: silentLog });
      const again = await recordMissingRoots({ db, ledger, evidence, now, log: silentLog });
      return { first, again };
    });
    expect(signed).toEqual({ first: ['2025-03-01', '2025-03-02'], again: [] });
    const result = await run('verify');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/signed daily roots: 2 checked with key \S+, all match/);
  });

  it('names the first day whose signed root no longer matches a consistently rewritten chain', async () => {
    await withDb((db) => rewriteFrom(db, 15, '{"i":999}'));
    const chainOnly = await run('verify', '--from', '1');
    expect(chainOnly.code).toBe(0);
    expect(chainOnly.stdout).toContain('OK: the chain is intact.');

    const result = await run('verify');
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain('OK');
    expect(result.stderr).toMatch(
      /^TAMPERED: the ledger no longer matches the signed root of 2025-03-02 \(UTC\), the first day that differs:\n {2}- stored root [0-9a-f]{64} \(12 entries\) differs from the recomputed/,
    );
  });

  it('refuses to call the ledger intact when the roots cannot be checked', async () => {
    const result = await run('verify', '--key', 'no-such-key.pem');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('FAILED: cannot check the signed daily roots: cannot read key');
  });
});
