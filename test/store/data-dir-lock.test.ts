import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirLockedError } from '../../src/store/data-dir-lock.ts';
import { captureLogs } from '../support/slack-logs.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-lock-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** The PID of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

const lockPid = (dir: string) => fs.readFileSync(path.join(dir, 'mc.lock'), 'utf8').split('\n')[0];

describe('src/store/data-dir-lock', () => {
  it('writes our PID, refuses a second holder, and frees the dir on release', () => {
    const dir = tempDir();
    const { log } = captureLogs();
    const lock = acquireDataDirLock(dir, { log });
    expect(lockPid(dir)).toBe(String(process.pid));
    expect(() => acquireDataDirLock(dir, { log })).toThrow(DataDirLockedError);
    lock.release();
    lock.release();
    expect(fs.readdirSync(dir)).toEqual([]);
    acquireDataDirLock(dir, { log }).release();
  });

  it('creates a data dir that does not exist yet', () => {
    const dir = path.join(tempDir(), 'nested', 'data');
    const lock = acquireDataDirLock(dir, { log: captureLogs().log });
    expect(fs.existsSync(path.join(dir, 'mc.lock'))).toBe(true);
    lock.release();
  });

  it('refuses a lock held by another live process, naming it', () => {
    const dir = tempDir();
    const parentPid = process.ppid;
    fs.writeFileSync(path.join(dir, 'mc.lock'), `${parentPid}\nhost\n`);
    const attempt = () => acquireDataDirLock(dir, { log: captureLogs().log });
    expect(attempt).toThrow(
      `data dir ${dir} is in use by process ${parentPid}; stop it or set MC_DATA_DIR to another directory`,
    );
    expect(lockPid(dir)).toBe(String(parentPid));
  });

  it.each([
    ['a dead PID', () => `${deadPid()}\nhost\n`, true],
    [
      'our own PID from an earlier life (a restarted container is PID 1 again)',
      () => `${process.pid}\n`,
      true,
    ],
    ['no PID at all', () => '', false],
  ])('takes over a lock holding %s', (_, content, logged) => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'mc.lock'), content());
    const logs = captureLogs();
    const lock = acquireDataDirLock(dir, { log: logs.log });
    expect(lockPid(dir)).toBe(String(process.pid));
    expect(logs.find('data dir lock left by a process that is gone; taking it over')).toHaveLength(
      logged ? 1 : 0,
    );
    lock.release();
    expect(fs.existsSync(path.join(dir, 'mc.lock'))).toBe(false);
  });

  it('does not delete a lock that another process took after ours was released', () => {
    const dir = tempDir();
    const lock = acquireDataDirLock(dir, { log: captureLogs().log });
    fs.writeFileSync(path.join(dir, 'mc.lock'), `${process.ppid}\n`);
    lock.release();
    expect(lockPid(dir)).toBe(String(process.ppid));
  });
});
