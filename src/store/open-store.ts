import type { Logger } from '../telemetry/logger.ts';
import type { Db } from './db.ts';
import { type Migration, type MigrationReport, runMigrations } from './migrate.ts';

/** An open, migrated database. */
export interface Store {
  db: Db;
  migrations: MigrationReport;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** PostgreSQL URL; when absent the embedded PGlite under dataDir is used. */
  databaseUrl?: string | undefined;
  /** PGlite's directory (`null`: in memory, for tests). Ignored with databaseUrl. */
  dataDir: string | null;
  log: Logger;
  /** The embedded store saw another writer in its data dir and stopped (see openPgliteDb). */
  onLost?: (reason: string) => void;
  /** Override the migration files (tests). */
  migrations?: Migration[];
}

/**
 * Opens PostgreSQL when databaseUrl is set, else PGlite, and applies pending migrations.
 * Only the chosen backend's driver is loaded (PGlite alone is tens of MiB).
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const { log } = options;
  const db = options.databaseUrl
    ? await (await import('./postgres-db.ts')).openPostgresDb({ url: options.databaseUrl, log })
    : await (await import('./pglite-db.ts')).openPgliteDb({
        dataDir: options.dataDir,
        log,
        ...(options.onLost ? { onLost: options.onLost } : {}),
      });
  try {
    const migrations = await runMigrations(db, {
      log,
      ...(options.migrations ? { migrations: options.migrations } : {}),
    });
    return { db, migrations, close: () => db.close() };
  } catch (error) {
    await db.close().catch((closeError: unknown) => {
      log.warn({ err: closeError }, 'closing the database after a failed start also failed');
    });
    throw error;
  }
}
