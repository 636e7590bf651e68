import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../telemetry/logger.ts';
import { ensurePrivateDataDir } from './data-dir-mode.ts';
import { formatHolder, type LockHolder, parseHolder } from './lock-holder.ts';

export type { LockHolder } from './lock-holder.ts';

/** Another live process (or this one) already holds the data dir. */
export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder | null,
  ) {
    const who = holder
      ? `process ${holder.pid} on host ${holder.hostname} (instance ${holder.instanceId}, since ${holder.startedAt})`
      : 'another process (its mc.lock does not say which)';
    super(
      `data dir ${dataDir} is in use by ${who}; stop it or set MC_DATA_DIR to another directory`,
    );
    this.name = 'DataDirLockedError';
  }
}

/** mc.lock holds something this version did not write: no guess is made about who owns the dir. */
export class DataDirLockUnreadableError extends Error {
  constructor(
    readonly file: string,
    content: string,
  ) {
    const shown = JSON.stringify(content.slice(0, 60));
    super(
      `${file} cannot be read as an mc lock (it starts with ${shown}), so mc cannot tell whether another bot writes to this data dir. If no mc process uses it (check every host and container that mounts it), remove the file (rm ${file}) and start again.`,
    );
    this.name = 'DataDirLockUnreadableError';
  }
}

/** A held lock. check() says why the dir is no longer ours (null: still ours); release() is idempotent. */
export interface DataDirLock {
  readonly file: string;
  readonly holder: LockHolder;
  check(): string | null;
  release(): void;
}

export const LOCK_FILE = 'mc.lock';
const CONFLICT = 75;

function bootId(): string {
  try {
    return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

// flock(2) through util-linux's flock(1) on a descriptor we share with it: the lock belongs to
// the open file description, so it stays after flock(1) exits and dies with this process's
// descriptor, whatever the PID namespace. Node has no flock of its own.
function flockShared(fd: number, dataDir: string): 'held' | 'busy' {
  const result = spawnSync('flock', ['--exclusive', '--nonblock', '-E', String(CONFLICT), '3'], {
    stdio: ['ignore', 'ignore', 'pipe', fd],
  });
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(
      missing
        ? `cannot lock ${dataDir}: flock(1) is not installed (Debian: apt-get install util-linux); or set DATABASE_URL to use PostgreSQL`
        : `cannot lock ${dataDir}: ${result.error.message}`,
    );
  }
  if (result.status === 0) return 'held';
  if (result.status === CONFLICT) return 'busy';
  throw new Error(`cannot lock ${dataDir}: flock said ${String(result.stderr).trim()}`);
}

function readLockFile(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

// Written whole or not at all (temp file, then rename): a reader never sees half a lock.
function writeLockFile(file: string, holder: LockHolder): void {
  const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(temp, formatHolder(holder), { mode: 0o600 });
  fs.renameSync(temp, file);
}

/**
 * Takes the data dir for this process, because PGlite silently loses writes when two processes
 * open one dir. The OS lock (flock on the dir itself) decides; `mc.lock` says who holds it
 * (PID, host, boot id, instance id). A lock nobody holds is taken over; an mc.lock that cannot
 * be read is refused with the way to clear it; a held one throws DataDirLockedError.
 */
export function acquireDataDirLock(
  dataDir: string,
  options: { log: Logger; instanceId?: string },
): DataDirLock {
  const dir = ensurePrivateDataDir(dataDir);
  const file = path.join(dir, LOCK_FILE);
  const fd = fs.openSync(dir, 'r');
  let held = false;
  try {
    if (flockShared(fd, dir) === 'busy') {
      const content = readLockFile(file);
      throw new DataDirLockedError(dataDir, content === null ? null : parseHolder(content));
    }
    const content = readLockFile(file);
    const previous = content === null ? null : parseHolder(content);
    if (content !== null && previous === null) throw new DataDirLockUnreadableError(file, content);
    const holder: LockHolder = {
      pid: process.pid,
      hostname: os.hostname(),
      bootId: bootId(),
      instanceId: options.instanceId ?? randomBytes(8).toString('hex'),
      startedAt: new Date().toISOString(),
    };
    writeLockFile(file, holder);
    held = true;
    if (previous) {
      options.log.warn(
        { lockFile: file, previous },
        'data dir lock left by a process that is gone (the OS lock was free); taking it over',
      );
    }
    const inode = fs.fstatSync(fd).ino;
    // The store checks the lock before every query: a stat of mc.lock is enough while it is the
    // file we wrote (same inode, size and mtime); it is read and parsed only once it changed.
    const signature = (stat: fs.Stats | undefined) =>
      stat ? `${stat.ino}:${stat.size}:${stat.mtimeMs}` : null;
    const ours = signature(fs.statSync(file));
    return {
      file,
      holder,
      check() {
        if (!held) return 'the data dir lock was released';
        let now: number;
        try {
          now = fs.statSync(dir).ino;
        } catch {
          return `${dir} was removed`;
        }
        if (now !== inode) return `${dir} was replaced by another directory`;
        if (signature(fs.statSync(file, { throwIfNoEntry: false })) === ours) return null;
        const seen = readLockFile(file);
        const owner = seen === null ? null : parseHolder(seen);
        if (owner?.instanceId === holder.instanceId) return null;
        if (seen === null) return `${file} was removed`;
        return owner
          ? `${file} now names process ${owner.pid} on host ${owner.hostname} (instance ${owner.instanceId}): another writer is using the data dir`
          : `${file} was overwritten with something else: another writer may be using the data dir`;
      },
      release() {
        if (!held) return;
        held = false;
        const seen = readLockFile(file);
        if (seen !== null && parseHolder(seen)?.instanceId === holder.instanceId) {
          fs.rmSync(file, { force: true });
        }
        fs.closeSync(fd);
      },
    };
  } finally {
    if (!held) fs.closeSync(fd);
  }
}
