import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DataDirLockedError } from '../../src/store/data-dir-lock.ts';
import type { Db } from '../../src/store/db.ts';
import { StoreFencedError } from '../../src/store/errors.ts';
import { loadMigrations } from '../../src/store/migrate.ts';
import { openStore } from '../../src/store/open-store.ts';
import { openPgliteDb } from '../../src/store/pglite-db.ts';
import { captureLogs } from '../support/slack-logs.ts';

const CHILD = fileURLToPath(new URL('./fixtures/open-data-dir.ts', import.meta.url));

interface ChildLine {
  ok: boolean;
  pid?: number;
  name?: string;
  message?: string;
}

/** Runs the child opener; resolves with its first line. The child is ended by the caller. */
function openInChild(dataDir: string, mode: 'try' | 'hold') {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, mode], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(child);
  const firstLine = new Promise<ChildLine>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => resolve(JSON.parse(line) as ChildLine));
    child.once('exit', (code) => reject(new Error(`child exited (${code}) without a line`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, firstLine, exited };
}

const children: ChildProcess[] = [];
const dirs: string[] = [];
const dbs: Db[] = [];

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-data-'));
  dirs.push(dir);
  return dir;
}

// A cold open runs initdb (4-10 s here); later tests copy this initialized dir (0.3 s opens).
let initialized: string;
function copyOfInitialized(): string {
  const dir = tempDir();
  fs.cpSync(initialized, dir, { recursive: true });
  return dir;
}

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const db of dbs.splice(0)) await db.close();
});
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('src/store/pglite-db on disk', () => {
  beforeAll(async () => {
    initialized = tempDir();
    const { log } = captureLogs();
    const first = await openStore({ dataDir: initialized, log });
    expect(first.db.kind).toBe('pglite');
    expect(first.migrations.applied.map((m) => m.version)).toEqual(
      loadMigrations().map((m) => m.version),
    );
    await first.db.query("INSERT INTO request_dedupe (key, expires_at) VALUES ('k', now())");
    await first.close();
  });

  it('keeps data and applied migrations across a close and a reopen', async () => {
    const dataDir = copyOfInitialized();
    expect(fs.existsSync(path.join(dataDir, 'mc.lock'))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'pglite', 'PG_VERSION'))).toBe(true);

    const { log } = captureLogs();
    const second = await openStore({ dataDir, log });
    dbs.push(second.db);
    expect(second.migrations.applied).toEqual([]);
    expect((await second.db.query('SELECT key FROM request_dedupe')).rows).toEqual([{ key: 'k' }]);
  });

  it('releases the dir when a migration fails at open, so a fixed start can take it', async () => {
    const dataDir = copyOfInitialized();
    const broken = path.join(tempDir(), '999_broken.sql');
    fs.writeFileSync(broken, 'SELECT nope;');
    const migrations = [...loadMigrations(), ...loadMigrations(path.dirname(broken))];
    const { log } = captureLogs();
    await expect(openStore({ dataDir, log, migrations })).rejects.toThrow(/999_broken\.sql failed/);
    expect(fs.existsSync(path.join(dataDir, 'mc.lock'))).toBe(false);
    const fixed = await openStore({ dataDir, log });
    dbs.push(fixed.db);
    expect(fixed.migrations.applied).toEqual([]);
  });

  it('refuses a second open in the same process while the first keeps working', async () => {
    const dataDir = copyOfInitialized();
    const { log } = captureLogs();
    const db = await openPgliteDb({ dataDir, log });
    dbs.push(db);
    const second = openPgliteDb({ dataDir, log });
    await expect(second).rejects.toThrow(DataDirLockedError);
    await expect(second).rejects.toThrow(
      `data dir ${dataDir} is in use by process ${process.pid} on host ${os.hostname()}`,
    );
    await db.query('CREATE TABLE still_mine (id int)');
    expect((await db.query('SELECT count(*)::int AS n FROM still_mine')).rows).toEqual([{ n: 0 }]);
  });

  it('refuses another process while this one holds the dir', async () => {
    const dataDir = copyOfInitialized();
    const db = await openPgliteDb({ dataDir, log: captureLogs().log });
    dbs.push(db);
    const { firstLine, exited } = openInChild(dataDir, 'try');
    expect(await firstLine).toEqual({
      ok: false,
      name: 'DataDirLockedError',
      message: expect.stringContaining(
        `data dir ${dataDir} is in use by process ${process.pid} on host ${os.hostname()}`,
      ),
    });
    expect(await exited).toBe(1);
    await db.query('SELECT 1');
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'mc.lock'), 'utf8')).pid).toBe(
      process.pid,
    );
  });

  it('is refused while another process holds the dir, and takes over once it is killed', async () => {
    const dataDir = copyOfInitialized();
    const { child, firstLine, exited } = openInChild(dataDir, 'hold');
    const held = await firstLine;
    expect(held).toMatchObject({ ok: true, pid: child.pid });

    const logs = captureLogs();
    await expect(openPgliteDb({ dataDir, log: logs.log })).rejects.toThrow(
      `is in use by process ${child.pid} on host`,
    );
    child.kill('SIGKILL');
    await exited;

    const db = await openPgliteDb({ dataDir, log: logs.log });
    dbs.push(db);
    expect(
      logs.find(
        'data dir lock left by a process that is gone (the OS lock was free); taking it over',
      ),
    ).toEqual([
      expect.objectContaining({
        previous: expect.objectContaining({ pid: child.pid }),
        level: 'warn',
      }),
    ]);
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'mc.lock'), 'utf8')).pid).toBe(
      process.pid,
    );
    await db.query('SELECT 1');
  });

  it('stops writing once another writer names itself in the data dir, instead of losing writes', async () => {
    const dataDir = copyOfInitialized();
    const lost: string[] = [];
    const logs = captureLogs();
    const db = await openPgliteDb({ dataDir, log: logs.log, onLost: (r) => lost.push(r) });
    dbs.push(db);
    await db.query('CREATE TABLE mine (id int)');
    // A bot that ignores the OS lock (an older mc, a copy on a host without shared locks)
    // announces itself the way every mc does: by writing mc.lock.
    const other = spawnSync(process.execPath, [
      '-e',
      `require('fs').writeFileSync(process.argv[1], JSON.stringify({pid: process.pid, hostname: 'elsewhere', bootId: 'b', instanceId: 'other', startedAt: 'now'}) + '\\n')`,
      path.join(dataDir, 'mc.lock'),
    ]);
    expect(other.status).toBe(0);
    await expect(db.query('INSERT INTO mine VALUES (1)')).rejects.toThrow(StoreFencedError);
    await expect(db.transaction(async () => 1)).rejects.toThrow(
      /the store stopped: .*mc\.lock now names process \d+ on host elsewhere/,
    );
    expect(lost).toHaveLength(1);
    expect(logs.find('the data dir is no longer ours; the store stops')).toHaveLength(1);
  });
});
