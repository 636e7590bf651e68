import type { Db } from '../../../src/store/db.ts';
import { loadMigrations, runMigrations } from '../../../src/store/migrate.ts';
import { openPgliteDb } from '../../../src/store/pglite-db.ts';
import { openPostgresDb } from '../../../src/store/postgres-db.ts';
import type { Logger } from '../../../src/telemetry/logger.ts';
import { createTestDatabase } from '../../support/postgres.ts';

/** A database with the inbox table; on PostgreSQL, `open` gives more pools on it (processes). */
export interface InboxDb {
  db: Db;
  open(): Promise<Db>;
  dispose(): Promise<void>;
}

// Only the inbox migration, found by name (renumbering it is safe): these tests depend on no
// other table, nor on other migrations' state.
const INBOX_MIGRATION = loadMigrations().filter((m) =>
  ['webhook_inbox', 'webhook_event_id'].includes(m.name),
);

/** A fresh in-memory PGlite or PostgreSQL database with migration 020 applied. */
export async function openInboxDb(backend: 'pglite' | 'postgres', log: Logger): Promise<InboxDb> {
  if (backend === 'pglite') {
    const db = await openPgliteDb({ dataDir: null, log });
    await runMigrations(db, { log, migrations: INBOX_MIGRATION });
    return {
      db,
      open: () => Promise.reject(new Error('PGlite is single-process')),
      dispose: () => db.close(),
    };
  }
  const database = await createTestDatabase();
  const extra: Db[] = [];
  const db = await openPostgresDb({ url: database.url, log });
  await runMigrations(db, { log, migrations: INBOX_MIGRATION });
  return {
    db,
    async open() {
      const another = await openPostgresDb({ url: database.url, log });
      extra.push(another);
      return another;
    },
    async dispose() {
      await Promise.all([db, ...extra].map((d) => d.close()));
      await database.drop();
    },
  };
}
