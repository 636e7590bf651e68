import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.ts';
import { loadMigrations, MigrationChecksumError, runMigrations } from '../../src/store/migrate.ts';
import { createRequestDedupe } from '../../src/store/request-dedupe.ts';
import { captureLogs } from '../support/slack-logs.ts';

/** A new, empty database on one backend; `again` opens a second handle on it when possible. */
export interface FreshDb {
  db: Db;
  again: (() => Promise<Db>) | null;
  dispose(): Promise<void>;
}

function migrationDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-migrations-'));
  for (const [name, sql] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), sql);
  return dir;
}

/** The behaviour every Db backend must share, run against each of them. */
export function describeStoreContract(name: string, fresh: () => Promise<FreshDb>): void {
  describe(`store contract: ${name}`, () => {
    const { log } = captureLogs();
    let subject: FreshDb;
    let db: Db;
    beforeAll(async () => {
      subject = await fresh();
      db = subject.db;
      await runMigrations(db, { log });
    });
    afterAll(async () => subject?.dispose());

    it('records every migration file with its checksum', async () => {
      const files = loadMigrations();
      const { rows } = await db.query<{ version: number; name: string; checksum: string }>(
        'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
      );
      expect(rows).toEqual(
        files.map(({ version, name, checksum }) => ({ version, name, checksum })),
      );
      expect(rows[0]).toMatchObject({ version: 1, name: 'request_dedupe' });
    });

    it('applies nothing the second time and keeps the data', async () => {
      await db.query(
        "INSERT INTO request_dedupe (key, expires_at) VALUES ('kept', now() + interval '1 hour')",
      );
      const before = await db.query('SELECT version, applied_at FROM schema_migrations ORDER BY 1');
      const report = await runMigrations(db, { log });
      expect(report.applied).toEqual([]);
      expect(
        (await db.query('SELECT version, applied_at FROM schema_migrations ORDER BY 1')).rows,
      ).toEqual(before.rows);
      expect((await db.query("SELECT key FROM request_dedupe WHERE key = 'kept'")).rowCount).toBe(
        1,
      );
    });

    it('commits a transaction that returns and rolls back one that throws', async () => {
      await db.query('CREATE TABLE contract_tx (id int PRIMARY KEY)');
      const value = await db.transaction(async (tx) => {
        await tx.query('INSERT INTO contract_tx VALUES (1)');
        return 'done';
      });
      expect(value).toBe('done');
      const failure = db.transaction(async (tx) => {
        await tx.query('INSERT INTO contract_tx VALUES (2)');
        throw new Error('boom');
      });
      await expect(failure).rejects.toThrow('boom');
      const { rows } = await db.query<{ id: number }>('SELECT id FROM contract_tx ORDER BY id');
      expect(rows).toEqual([{ id: 1 }]);
    });

    it('refuses to commit a transaction in which a statement failed', async () => {
      await db.query('CREATE TABLE contract_abort (id int PRIMARY KEY)');
      const attempt = db.transaction(async (tx) => {
        await tx.query('INSERT INTO contract_abort VALUES (1)');
        await tx.query('INSERT INTO contract_abort VALUES (1)').catch(() => 'swallowed');
      });
      await expect(attempt).rejects.toThrow();
      expect((await db.query('SELECT id FROM contract_abort')).rowCount).toBe(0);
    });

    it('loses no update when 20 transactions increment one row at once', async () => {
      await db.query('CREATE TABLE contract_counter (id int PRIMARY KEY, n int NOT NULL)');
      await db.query('INSERT INTO contract_counter VALUES (1, 0)');
      await Promise.all(
        Array.from({ length: 20 }, () =>
          db.transaction(async (tx) => {
            const { rows } = await tx.query<{ n: number }>(
              'SELECT n FROM contract_counter WHERE id = 1 FOR UPDATE',
            );
            await new Promise((resolve) => setTimeout(resolve, 1));
            await tx.query('UPDATE contract_counter SET n = $1 WHERE id = 1', [
              (rows[0]?.n ?? -99) + 1,
            ]);
          }),
        ),
      );
      expect((await db.query('SELECT n FROM contract_counter')).rows).toEqual([{ n: 20 }]);
    });

    it('returns the same JavaScript values on every backend, in UTC', async () => {
      const { rows } = await db.query(
        `SELECT 7::int4 AS i4, 9007199254740993::int8 AS i8, 1.50::numeric AS num, 2.5::float8 AS f8,
           true AS b, 'x'::text AS t, '2024-02-29'::date AS d,
           '2024-02-29 23:30:00+00'::timestamptz AS ts, '{"a":[1]}'::jsonb AS j,
           ARRAY['p','q'] AS arr, ARRAY[1,2]::int8[] AS i8arr, '\\x0102'::bytea AS bin,
           current_setting('TimeZone') AS tz, $1::int8 AS param8`,
        ['12345678901234567'],
      );
      const row = rows[0] ?? {};
      expect({ ...row, bin: Array.from(row.bin as Uint8Array) }).toEqual({
        i4: 7,
        i8: '9007199254740993',
        num: '1.50',
        f8: 2.5,
        b: true,
        t: 'x',
        d: '2024-02-29',
        ts: new Date('2024-02-29T23:30:00.000Z'),
        j: { a: [1] },
        arr: ['p', 'q'],
        i8arr: ['1', '2'],
        bin: [1, 2],
        tz: 'UTC',
        param8: '12345678901234567',
      });
    });

    describe('request dedupe', () => {
      it('claims a key once, then refuses it until it expires', async () => {
        const dedupe = createRequestDedupe(db);
        expect(await dedupe.claim('slack:command:a', 60)).toBe(true);
        expect(await dedupe.claim('slack:command:a', 60)).toBe(false);
        expect(await dedupe.claim('slack:command:b', 60)).toBe(true);
        expect(await dedupe.claim('slack:command:gone', 0)).toBe(true);
        expect(await dedupe.claim('slack:command:gone', 60)).toBe(true);
        expect(await dedupe.claim('slack:command:gone', 60)).toBe(false);
      });

      it('gives exactly one of 50 concurrent claims of a new key, and of an expired one', async () => {
        const dedupe = createRequestDedupe(db);
        const race = () =>
          Promise.all(Array.from({ length: 50 }, () => dedupe.claim('pd:webhook:race', 60)));
        expect((await race()).filter(Boolean)).toHaveLength(1);
        await db.query(
          "UPDATE request_dedupe SET expires_at = now() - interval '1 second' WHERE key = 'pd:webhook:race'",
        );
        expect((await race()).filter(Boolean)).toHaveLength(1);
      });

      it('prunes expired keys and keeps live ones', async () => {
        const dedupe = createRequestDedupe(db, { pruneIntervalMs: 0 });
        await dedupe.claim('prune:old', 0);
        await dedupe.claim('prune:live', 3600);
        const { rows } = await db.query<{ key: string }>(
          "SELECT key FROM request_dedupe WHERE key LIKE 'prune:%'",
        );
        expect(rows).toEqual([{ key: 'prune:live' }]);
        expect(await dedupe.prune()).toBe(0);
      });

      it('rejects an empty key and a negative TTL', async () => {
        const dedupe = createRequestDedupe(db);
        await expect(dedupe.claim('', 60)).rejects.toThrow('must not be empty');
        await expect(dedupe.claim('k', -1)).rejects.toThrow('>= 0');
      });
    });

    describe('migration files', () => {
      let other: FreshDb;
      beforeAll(async () => {
        other = await fresh();
      });
      afterAll(async () => other?.dispose());

      it('applies each file once even when two runners start together, and refuses an edited one', async () => {
        const dir = migrationDir({
          '001_first.sql': 'CREATE TABLE first_t (id int);',
          '002_second.sql': 'CREATE TABLE second_t (id int);\nINSERT INTO second_t VALUES (1);',
        });
        const second = other.again ? await other.again() : other.db;
        try {
          const reports = await Promise.all([
            runMigrations(other.db, { log, migrations: loadMigrations(dir) }),
            runMigrations(second, { log, migrations: loadMigrations(dir) }),
          ]);
          const applied = reports.flatMap((r) => r.applied.map((m) => m.version)).sort();
          expect(applied).toEqual([1, 2]);
          expect((await other.db.query('SELECT id FROM second_t')).rows).toEqual([{ id: 1 }]);
        } finally {
          if (second !== other.db) await second.close();
        }
        fs.writeFileSync(path.join(dir, '002_second.sql'), 'CREATE TABLE second_t (id bigint);');
        const edited = runMigrations(other.db, { log, migrations: loadMigrations(dir) });
        await expect(edited).rejects.toThrow(MigrationChecksumError);
        await expect(edited).rejects.toThrow(/002_second\.sql was changed after it was applied/);
      });

      it('names the file whose SQL fails and records nothing of it', async () => {
        const dir = migrationDir({ '003_broken.sql': 'CREATE TABLE ok_t (id int);\nSELECT nope;' });
        const run = runMigrations(other.db, { log, migrations: loadMigrations(dir) });
        await expect(run).rejects.toThrow(/migration 003_broken\.sql failed: .*nope/);
        const { rows } = await other.db.query(
          "SELECT to_regclass('ok_t') AS t, (SELECT count(*)::int FROM schema_migrations WHERE version = 3) AS n",
        );
        expect(rows).toEqual([{ t: null, n: 0 }]);
      });
    });
  });
}
