import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  acquireDataDirLock,
  DataDirLockedError,
  DataDirLockUnreadableError,
} from '../../src/store/data-dir-lock.ts';
import { DataDirModeError } from '../../src/store/data-dir-mode.ts';
import { captureLogs } from '../support/slack-logs.ts';

const HOLDER = fileURLToPath(new URL('./fixtures/lock-holder.ts', import.meta.url));

const dirs: string[] = [];
const children: ChildProcess[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-lock-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

interface HolderLine {
  ok: boolean;
  pid?: number;
  name?: string;
  message?: string;
  holder?: { instanceId: string };
  logs?: { msg: string; previous?: { pid: number; hostname: string } }[];
}

/** The lock module in a child process: its first line, and its exit. */
function holdInChild(dataDir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, dataDir], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(child);
  const firstLine = new Promise<HolderLine>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (l) => resolve(JSON.parse(l)));
    child.once('exit', (code) => reject(new Error(`child exited (${code}) without a line`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, firstLine, exited };
}

const lockFile = (dir: string) => path.join(dir, 'mc.lock');
const readHolder = (dir: string) => JSON.parse(fs.readFileSync(lockFile(dir), 'utf8'));

describe('src/store/data-dir-lock', () => {
  it('names pid, host, boot and instance; refuses a second holder; frees the dir on release', () => {
    const dir = tempDir();
    const { log } = captureLogs();
    const lock = acquireDataDirLock(dir, { log });
    expect(readHolder(dir)).toMatchObject({
      pid: process.pid,
      hostname: os.hostname(),
      bootId: expect.stringMatching(/\S/),
      instanceId: lock.holder.instanceId,
    });
    expect(fs.statSync(lockFile(dir)).mode & 0o777).toBe(0o600);
    expect(() => acquireDataDirLock(dir, { log })).toThrow(DataDirLockedError);
    expect(() => acquireDataDirLock(dir, { log })).toThrow(
      `in use by process ${process.pid} on host ${os.hostname()}`,
    );
    expect(lock.check()).toBeNull();
    lock.release();
    lock.release();
    expect(fs.readdirSync(dir)).toEqual([]);
    acquireDataDirLock(dir, { log }).release();
  });

  it('creates a missing data dir 0700 and refuses one that others can write, saying how to fix it', () => {
    const dir = path.join(tempDir(), 'nested', 'data');
    acquireDataDirLock(dir, { log: captureLogs().log }).release();
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    fs.chmodSync(dir, 0o777);
    const attempt = () => acquireDataDirLock(dir, { log: captureLogs().log });
    expect(attempt).toThrow(DataDirModeError);
    expect(attempt).toThrow(`(mode 777)`);
    expect(attempt).toThrow(`chmod 700 ${dir}`);
    fs.chmodSync(dir, 0o750);
    acquireDataDirLock(dir, { log: captureLogs().log }).release();
  });

  it('holds across processes; kill -9 frees it at once and the next one takes over', async () => {
    const dir = tempDir();
    const first = holdInChild(dir);
    const held = await first.firstLine;
    expect(held).toMatchObject({ ok: true, pid: first.child.pid });

    const second = holdInChild(dir);
    expect(await second.firstLine).toMatchObject({
      ok: false,
      name: 'DataDirLockedError',
      message: expect.stringContaining(`in use by process ${first.child.pid} on host`),
    });
    expect(await second.exited).toBe(1);

    first.child.kill('SIGKILL');
    await first.exited;
    const third = holdInChild(dir);
    const taken = await third.firstLine;
    expect(taken).toMatchObject({ ok: true, pid: third.child.pid });
    expect(taken.logs).toEqual([
      expect.objectContaining({
        msg: 'data dir lock left by a process that is gone (the OS lock was free); taking it over',
        previous: expect.objectContaining({ pid: first.child.pid }),
      }),
    ]);
    expect(readHolder(dir)).toMatchObject({ pid: third.child.pid });
  });

  it('still refuses a second process after the holder’s mc.lock was deleted or overwritten', async () => {
    const dir = tempDir();
    const first = holdInChild(dir);
    await first.firstLine;
    for (const tamper of [
      () => fs.rmSync(lockFile(dir)),
      () => fs.writeFileSync(lockFile(dir), 'garbage'),
    ]) {
      tamper();
      const second = holdInChild(dir);
      expect(await second.firstLine).toMatchObject({ ok: false, name: 'DataDirLockedError' });
    }
  });

  it('refuses an unreadable mc.lock nobody holds, explaining how to clear it, and leaves it', () => {
    const dir = tempDir();
    fs.writeFileSync(lockFile(dir), '12\nsome-host\n');
    const attempt = () => acquireDataDirLock(dir, { log: captureLogs().log });
    expect(attempt).toThrow(DataDirLockUnreadableError);
    expect(attempt).toThrow(`remove the file (rm ${lockFile(dir)})`);
    expect(fs.readFileSync(lockFile(dir), 'utf8')).toBe('12\nsome-host\n');
    fs.rmSync(lockFile(dir));
    acquireDataDirLock(dir, { log: captureLogs().log }).release();
  });

  it('takes over a lock from another host whose PID happens to be alive here (no OS lock held)', () => {
    const dir = tempDir();
    const foreign = {
      pid: process.ppid,
      hostname: 'container-4f1c',
      bootId: 'another-boot',
      instanceId: 'abc',
      startedAt: '2026-01-01T00:00:00.000Z',
    };
    fs.writeFileSync(lockFile(dir), `${JSON.stringify(foreign)}\n`);
    const logs = captureLogs();
    const lock = acquireDataDirLock(dir, { log: logs.log });
    expect(readHolder(dir)).toMatchObject({ pid: process.pid });
    expect(logs.lines()[0]).toMatchObject({ level: 'warn', previous: foreign });
    lock.release();
  });

  it('check() reports another writer naming itself in mc.lock, and a removed data dir', () => {
    const dir = tempDir();
    const lock = acquireDataDirLock(dir, { log: captureLogs().log });
    fs.writeFileSync(
      lockFile(dir),
      `${JSON.stringify({ pid: 1, hostname: 'other', bootId: 'b', instanceId: 'x', startedAt: 'now' })}\n`,
    );
    expect(lock.check()).toMatch(/now names process 1 on host other .*another writer/);
    lock.release();
    expect(fs.existsSync(lockFile(dir))).toBe(true);
  });
});
