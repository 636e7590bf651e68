import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../telemetry/logger.ts';
import type { Db, Transaction } from './db.ts';

/** One versioned SQL file, `NNN_name.sql`. */
export interface Migration {
  version: number;
  name: string;
  file: string;
  sql: string;
  checksum: string;
}

/** What a run of migrations did. */
export interface MigrationReport {
  applied: Array<{ version: number; name: string }>;
  /** Versions recorded in the database that this program has no file for (a newer mc ran). */
  unknown: number[];
}

/** An applied migration's file no longer matches what was applied. */
export class MigrationChecksumError extends Error {
  constructor(migration: Migration, recorded: string) {
    super(
      `migration ${migration.file} was changed after it was applied to this database ` +
        `(recorded sha256 ${recorded.slice(0, 12)}…, file now ${migration.checksum.slice(0, 12)}…). ` +
        'Applied migrations never change: restore the file and put the change in a new migration.',
    );
    this.name = 'MigrationChecksumError';
  }
}

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

const FILE_NAME = /^(\d{3})_([a-z0-9_]+)\.sql$/;

// Any 64-bit number unique to this program: every migrating transaction takes it first.
const ADVISORY_LOCK_KEY = 7_117_040_425;

/** Reads `NNN_name.sql` files in version order; rejects misnamed files and duplicate versions. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations: Migration[] = [];
  for (const file of fs.readdirSync(dir).sort()) {
    if (!file.endsWith('.sql')) continue;
    const match = FILE_NAME.exec(file);
    if (!match) {
      throw new Error(
        `${path.join(dir, file)}: migration files are named NNN_lower_snake_name.sql (e.g. 005_runs.sql)`,
      );
    }
    // Line endings do not change a migration (a checkout with autocrlf must not look edited).
    const sql = fs.readFileSync(path.join(dir, file), 'utf8').replace(/\r\n/g, '\n');
    const version = Number(match[1]);
    const clash = migrations.find((m) => m.version === version);
    if (clash) throw new Error(`${file} and ${clash.file} share version ${version}; renumber one`);
    const checksum = createHash('sha256').update(sql).digest('hex');
    migrations.push({ version, name: match[2] ?? '', file, sql, checksum });
  }
  return migrations;
}

interface AppliedRow {
  version: number;
  checksum: string;
}

// Serializes migrating transactions across processes sharing one PostgreSQL (and is a cheap
// no-op on PGlite); also makes CREATE TABLE IF NOT EXISTS safe when two processes race.
async function lockedRead(tx: Transaction): Promise<Map<number, string>> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCK_KEY]);
  await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const { rows } = await tx.query<AppliedRow>('SELECT version, checksum FROM schema_migrations');
  return new Map(rows.map((row) => [row.version, row.checksum]));
}

function checkUnchanged(migrations: Migration[], applied: Map<number, string>): void {
  for (const migration of migrations) {
    const recorded = applied.get(migration.version);
    if (recorded !== undefined && recorded !== migration.checksum) {
      throw new MigrationChecksumError(migration, recorded);
    }
  }
}

/**
 * Applies every migration not yet recorded in `schema_migrations`, in version order, each in
 * its own transaction. Idempotent; safe when several processes start at once.
 */
export async function runMigrations(
  db: Db,
  options: { log: Logger; migrations?: Migration[] },
): Promise<MigrationReport> {
  const migrations = options.migrations ?? loadMigrations();
  const known = new Set(migrations.map((m) => m.version));
  const appliedAtStart = await db.transaction(lockedRead);
  checkUnchanged(migrations, appliedAtStart);
  const report: MigrationReport = {
    applied: [],
    unknown: [...appliedAtStart.keys()].filter((v) => !known.has(v)).sort((a, b) => a - b),
  };
  if (report.unknown.length > 0) {
    options.log.warn(
      { versions: report.unknown },
      'the database has migrations this version of mc does not know: a newer mc ran against it',
    );
  }
  for (const migration of migrations) {
    if (appliedAtStart.has(migration.version)) continue;
    const started = performance.now();
    const didApply = await db.transaction(async (tx) => {
      // Another process may have applied it while we waited for the lock.
      const applied = await lockedRead(tx);
      checkUnchanged([migration], applied);
      if (applied.has(migration.version)) return false;
      try {
        await tx.exec(migration.sql);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`migration ${migration.file} failed: ${reason}`, { cause: error });
      }
      await tx.query(
        'INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)',
        [migration.version, migration.name, migration.checksum],
      );
      return true;
    });
    if (didApply) {
      report.applied.push({ version: migration.version, name: migration.name });
      options.log.info(
        { migration: migration.file, ms: Math.round(performance.now() - started) },
        'migration applied',
      );
    }
  }
  return report;
}
