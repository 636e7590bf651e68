import { describe, expect, it } from 'vitest';
import { loadMigrations, type Migration } from '../../src/store/migrate.ts';
import { incompatibleChanges } from '../../src/store/migration-compat.ts';

function migration(version: number, sql: string): Migration {
  const file = `${String(version).padStart(3, '0')}_test.sql`;
  return { version, name: 'test', file, sql, checksum: '' };
}

const whys = (version: number, sql: string) =>
  incompatibleChanges(migration(version, sql)).map((c) => c.why);

describe('src/store/migration-compat (expand, then contract)', () => {
  it('every migration of the project is backward compatible with the release before it', () => {
    const found = loadMigrations().flatMap(incompatibleChanges);
    expect(found).toEqual([]);
  });

  it.each([
    ['DROP TABLE runs;', /drops what running code/],
    ['ALTER TABLE runs DROP COLUMN error;', /drops a column/],
    ['ALTER TABLE runs DROP error;', /drops a column/],
    ['ALTER TABLE runs RENAME COLUMN error TO failure;', /renames/],
    ['ALTER TABLE runs RENAME TO run_rows;', /renames/],
    ['ALTER TABLE runs ALTER COLUMN error TYPE jsonb USING error::jsonb;', /column type/],
    ['ALTER TABLE runs ALTER COLUMN error SET NOT NULL;', /required/],
    ['ALTER TABLE runs ALTER COLUMN steps DROP DEFAULT;', /removes a default/],
    ['ALTER TABLE runs ADD COLUMN owner_team text NOT NULL;', /required column without a default/],
    ['ALTER TABLE runs ADD CONSTRAINT runs_short CHECK (length(id) < 9);', /adds a constraint/],
    ['CREATE UNIQUE INDEX runs_by_requester ON runs (requester);', /unique index/],
  ])('refuses %s on an existing table', (sql, why) => {
    expect(whys(30, sql)).toEqual([expect.stringMatching(why)]);
  });

  it.each([
    ['CREATE TABLE things (id text PRIMARY KEY, n int NOT NULL);'],
    ['ALTER TABLE runs ADD COLUMN owner_team text;'],
    ["ALTER TABLE runs ADD COLUMN owner_team text NOT NULL DEFAULT 'sre';"],
    ['CREATE INDEX runs_by_requester ON runs (requester);'],
    ['ALTER TABLE runs ALTER COLUMN error DROP NOT NULL;'],
    [
      'ALTER TABLE deploys DROP CONSTRAINT deploys_kind_check;\n' +
        "ALTER TABLE deploys ADD CONSTRAINT deploys_kind_check CHECK (kind IN ('a', 'b'));",
    ],
    [
      'ALTER TABLE inbox ADD COLUMN event_id text;\n' +
        'CREATE UNIQUE INDEX inbox_event ON inbox (event_id) WHERE event_id IS NOT NULL;',
    ],
    ['CREATE TABLE t (a text);\nALTER TABLE t ADD COLUMN b text NOT NULL;'],
    ['-- DROP TABLE runs; is only a comment here\nCREATE INDEX i ON runs (id);'],
  ])('allows the expand step %s', (sql) => {
    expect(whys(30, sql)).toEqual([]);
  });

  it('allows a contract step that names the earlier expand it completes', () => {
    const sql = '-- contract: 025 owner_team replaced owner\nALTER TABLE runs DROP COLUMN owner;';
    expect(whys(30, sql)).toEqual([]);
  });

  it('refuses a contract marker that names no earlier migration', () => {
    const sql = '-- contract: 031 not yet written\nALTER TABLE runs DROP COLUMN owner;';
    expect(whys(30, sql)).toEqual([
      'drops a column running code may still read or write',
      'a contract step must name an earlier (expand) migration, not 031',
    ]);
  });
});
