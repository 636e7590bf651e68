import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPgliteDb } from '../../src/store/pglite-db.ts';
import { captureLogs } from '../support/slack-logs.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('src/store/pglite-db settings', () => {
  it('creates a fresh data dir, then runs with the small buffer cache, and reopens it', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-pglite-settings-'));
    dirs.push(dataDir);
    const { log } = captureLogs();
    const first = await openPgliteDb({ dataDir, log });
    try {
      expect(fs.existsSync(path.join(dataDir, 'pglite', 'PG_VERSION'))).toBe(true);
      const { rows } = await first.query<{ shared_buffers: string }>('SHOW shared_buffers');
      expect(rows).toEqual([{ shared_buffers: '16MB' }]);
      await first.query('CREATE TABLE kept (n int)');
      await first.query('INSERT INTO kept VALUES (7)');
    } finally {
      await first.close();
    }
    const second = await openPgliteDb({ dataDir, log });
    try {
      expect((await second.query<{ n: number }>('SELECT n FROM kept')).rows).toEqual([{ n: 7 }]);
      expect((await second.query('SHOW work_mem')).rows).toEqual([{ work_mem: '2MB' }]);
    } finally {
      await second.close();
    }
  });
});
