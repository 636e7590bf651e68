import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../store/db.ts';
import type { CliIo } from './io.ts';

/**
 * Opens the database the bot uses (DATABASE_URL, or the embedded one under MC_DATA_DIR,
 * default ./data), runs `fn` on it and closes it. Refuses to create an empty data directory
 * by accident: a missing one is an error naming where it looked. The store and the logger are
 * loaded here, not at import, so subcommands that may never open it start fast.
 */
export async function withDb<T>(io: CliIo, fn: (db: Db) => Promise<T>): Promise<T> {
  const dataDir = path.resolve(io.cwd, io.env.MC_DATA_DIR || './data');
  if (!io.env.DATABASE_URL && !existsSync(dataDir)) {
    throw new Error(`no database: ${dataDir} does not exist (set MC_DATA_DIR or DATABASE_URL)`);
  }
  const { openStore } = await import('../store/open-store.ts');
  const { createLogger } = await import('../telemetry/logger.ts');
  const log = createLogger({
    level: io.env.LOG_LEVEL ?? 'warn',
    destination: { write: (line: string) => io.stderr(line) },
  });
  const store = await openStore({ databaseUrl: io.env.DATABASE_URL, dataDir, log });
  try {
    return await fn(store.db);
  } finally {
    await store.close();
  }
}
