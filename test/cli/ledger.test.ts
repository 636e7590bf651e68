import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferIo } from '../../src/cli/io.ts';
import { runLedger } from '../../src/cli/ledger.ts';
import { createLedger } from '../../src/evidence/ledger/create-ledger.ts';
import { ledgerMerkleRoot } from '../../src/evidence/ledger/merkle.ts';
import type { Db } from '../../src/store/db.ts';
import { openStore } from '../../src/store/open-store.ts';
import { silentLog, steppingClock, tamper } from '../evidence/support/test-store.ts';

describe('src/cli/ledger', () => {
  let dir: string;
  const day1: string[] = [];

  async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    const store = await openStore({ dataDir: path.join(dir, 'data'), log: silentLog });
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
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mc-cli-ledger-'));
    await withDb(async (db) => {
      // 25 entries an hour apart from 2025-01-01T12:00Z: seq 1-12 on Jan 1, 13-25 on Jan 2.
      const ledger = createLedger(db, {
        clock: steppingClock('2025-01-01T12:00:00.000Z', 3_600_000),
      });
      for (let i = 0; i < 25; i++) {
        const entry = await ledger.append({
          actor: 'U024BE7LH',
          kind: 'deploy',
          subject: 'checkout/prod',
          data: { i },
        });
        if (entry.at.startsWith('2025-01-01')) day1.push(entry.hash);
      }
    });
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('verifies an intact chain and prints the figures', async () => {
    const result = await run('verify');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('entries checked: 25 (seq 1..25)');
    expect(result.stdout).toMatch(/genesis hash \(seq 1\): [0-9a-f]{64}/);
    expect(result.stdout).toMatch(/latest hash \(seq 25\): [0-9a-f]{64}/);
    expect(result.stdout).toMatch(/entries\/s/);
    expect(result.stdout).toContain('OK: the chain is intact.');
    const range = await run('verify', '--from', '5', '--to', '9');
    expect(range.stdout).toContain('entries checked: 5 (seq 5..9)');
    expect(range.stdout).toContain('first hash (seq 5)');
  });

  it('computes, stores and signs a day root, then verifies it', async () => {
    expect(day1).toHaveLength(12);
    const recorded = await run('root', '--date', '2025-01-01');
    expect(recorded.stderr).toBe('');
    expect(recorded.code).toBe(0);
    expect(recorded.stdout).toContain(`ledger root 2025-01-01: ${ledgerMerkleRoot(day1)}`);
    expect(recorded.stdout).toContain('entries: 12 (seq 1..12)');
    expect(recorded.stdout).toMatch(
      /signed evidence: https:\/\/mc\.example\.com\/evidence\/ev_[a-z2-7]{16} \(ledger seq 26\)/,
    );
    const again = await run('root', '--date', '2025-01-01');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      /^FAILED: the root of 2025-01-01 is already recorded \([0-9a-f]{64}, evidence ev_[a-z2-7]{16}\); check it with --verify\n$/,
    );
    const checked = await run('root', '--verify', '--date', '2025-01-01');
    expect(checked.stderr).toBe('');
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain('OK: matches the stored root');
    expect((await run('verify')).stdout).toContain('entries checked: 26');
  });

  it('refuses a day that is not over, a malformed date, and a missing root', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const notOver = await run('root', '--date', today);
    expect(notOver.code).toBe(1);
    expect(notOver.stderr).toMatch(/is not over yet/);
    const bad = await run('root', '--date', '2025-02-30');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--date must be a calendar day/);
    const missing = await run('root', '--verify', '--date', '2024-12-31');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no root is stored for 2024-12-31');
    expect((await run('verify', '--from', 'x')).code).toBe(2);
    expect((await run('bogus')).code).toBe(2);
  });

  it('fails the root check when the stored root is altered', async () => {
    await withDb((db) =>
      tamper(db, (tx) => tx.query(`UPDATE ledger_roots SET root = $1`, ['0'.repeat(64)])),
    );
    const root = await run('root', '--verify', '--date', '2025-01-01');
    expect(root.code).toBe(1);
    expect(root.stderr).toMatch(/stored root 0{64} \(12 entries\) differs from the recomputed/);
    expect(root.stderr).toMatch(/holds root [0-9a-f]{64}, not the stored 0{64}/);
  });

  it('exits 1 on tampering and names the first bad seq', async () => {
    await withDb((db) =>
      tamper(db, (tx) => tx.query(`UPDATE ledger_entries SET data = '{"i":99}' WHERE seq = 7`)),
    );
    const result = await run('verify');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('entries checked: 6 (seq 1..6)');
    expect(result.stderr).toMatch(
      /^TAMPERED: first bad seq 7: seq 7: hash mismatch \(stored [0-9a-f]{64}, computed [0-9a-f]{64}\)\n$/,
    );
    expect((await run('verify', '--from', '8')).code).toBe(0);
    const root = await run('root', '--verify', '--date', '2025-01-01');
    expect(root.code).toBe(1);
    expect(root.stderr).toContain("the day's entries are broken: seq 7: hash mismatch");
  });

  it('says where it looked when there is no database', async () => {
    const out = bufferIo(dir, { MC_DATA_DIR: 'nowhere' });
    expect(await runLedger(['verify'], out.io)).toBe(1);
    expect(out.stderr()).toContain(`${path.join(dir, 'nowhere')} does not exist`);
  });
});
