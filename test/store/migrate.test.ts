import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMigrations, MIGRATIONS_DIR } from '../../src/store/migrate.ts';

const dirs: string[] = [];
function dirWith(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-mig-'));
  dirs.push(dir);
  for (const [name, sql] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), sql);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('src/store/migrate loadMigrations', () => {
  it('reads every file of the project folder, in version order, without gaps', () => {
    const migrations = loadMigrations();
    const sqlFiles = fs.readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql'));
    expect(migrations.map((m) => m.file)).toEqual(sqlFiles.sort());
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    expect(migrations[0]).toMatchObject({ version: 1, name: 'request_dedupe' });
  });

  it('sorts by version and ignores files that are not SQL', () => {
    const dir = dirWith({
      '010_later.sql': 'SELECT 10;',
      '002_early.sql': 'SELECT 2;',
      'README.md': '#',
    });
    expect(loadMigrations(dir).map((m) => [m.version, m.name])).toEqual([
      [2, 'early'],
      [10, 'later'],
    ]);
  });

  it.each([
    ['2_short.sql', /named NNN_lower_snake_name\.sql/],
    ['003-dashes.sql', /named NNN_lower_snake_name\.sql/],
    ['004_Upper.sql', /named NNN_lower_snake_name\.sql/],
  ])('rejects the misnamed file %s', (file, message) => {
    expect(() => loadMigrations(dirWith({ [file]: 'SELECT 1;' }))).toThrow(message);
  });

  it('rejects two files with one version', () => {
    const dir = dirWith({ '005_runs.sql': 'SELECT 1;', '005_signals.sql': 'SELECT 2;' });
    expect(() => loadMigrations(dir)).toThrow('005_signals.sql and 005_runs.sql share version 5');
  });

  it('gives the same checksum whatever the line endings, and another for other SQL', () => {
    const [unix] = loadMigrations(dirWith({ '001_a.sql': 'SELECT 1;\nSELECT 2;\n' }));
    const [windows] = loadMigrations(dirWith({ '001_a.sql': 'SELECT 1;\r\nSELECT 2;\r\n' }));
    const [other] = loadMigrations(dirWith({ '001_a.sql': 'SELECT 1;\nSELECT 3;\n' }));
    expect(unix?.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(windows?.checksum).toBe(unix?.checksum);
    expect(other?.checksum).not.toBe(unix?.checksum);
  });
});
