import type { Db, Transaction } from '../../../src/store/db.ts';
import { openStore } from '../../../src/store/open-store.ts';
import { createLogger } from '../../../src/telemetry/logger.ts';
import { createTestDatabase } from '../../support/postgres.ts';

/** A migrated database for one test file, and how to get rid of it. */
export interface TestStore {
  db: Db;
  url?: string;
  close(): Promise<void>;
}

/** A logger that writes nothing. */
export const silentLog = createLogger({ level: 'silent' });

/** In-memory PGlite with every migration applied. */
export async function openPgliteStore(): Promise<TestStore> {
  const store = await openStore({ dataDir: null, log: silentLog });
  return { db: store.db, close: () => store.close() };
}

/** A fresh database on the shared test PostgreSQL with every migration applied. */
export async function openPostgresStore(): Promise<TestStore> {
  const database = await createTestDatabase();
  const store = await openStore({ databaseUrl: database.url, dataDir: null, log: silentLog });
  return {
    db: store.db,
    url: database.url,
    close: async () => {
      await store.close();
      await database.drop();
    },
  };
}

/**
 * Runs SQL as an attacker with table-owner rights would: the append-only triggers are
 * disabled for the duration, which is exactly why auditors verify the chain itself.
 */
export async function tamper(db: Db, fn: (tx: Transaction) => Promise<unknown>): Promise<void> {
  await db.transaction(async (tx) => {
    for (const table of ['ledger_entries', 'evidence', 'ledger_roots']) {
      await tx.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
    }
    await fn(tx);
    for (const table of ['ledger_entries', 'evidence', 'ledger_roots']) {
      await tx.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
    }
  });
}

/** Empties the ledger and everything that references it, back to the genesis head. */
export async function resetLedger(db: Db): Promise<void> {
  await tamper(db, async (tx) => {
    await tx.query('TRUNCATE ledger_roots, evidence, ledger_entries CASCADE');
    await tx.query(`UPDATE ledger_head SET seq = 0, hash = $1`, ['0'.repeat(64)]);
  });
}

/** A clock that advances one millisecond per reading, from `start`. */
export function steppingClock(start = '2025-01-01T00:00:00.000Z', stepMs = 1): () => Date {
  let t = Date.parse(start);
  return () => {
    const now = new Date(t);
    t += stepMs;
    return now;
  };
}
