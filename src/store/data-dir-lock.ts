import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../telemetry/logger.ts';

/** Another live process (or this one) already holds the data dir. */
export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `data dir ${dataDir} is in use by process ${pid}; stop it or set MC_DATA_DIR to another directory`,
    );
    this.name = 'DataDirLockedError';
  }
}

/** A held lock; release() is idempotent. */
export interface DataDirLock {
  readonly file: string;
  release(): void;
}

export const LOCK_FILE = 'mc.lock';

// Lock files this process holds. A lock naming our own PID that is NOT in this set was left by
// an earlier process that had the same PID (a restarted container is PID 1 every time).
const heldHere = new Set<string>();

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPid(file: string): number | null {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8').split('\n')[0] ?? '', 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

// Creates `file` with its full content in one step: write a private temp file, then hard-link
// it into place (link fails with EEXIST when the lock exists). A reader never sees a lock
// without its PID, which a plain open('wx') followed by a write would allow.
function tryCreate(file: string): boolean {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  fs.writeFileSync(temp, `${process.pid}\n${os.hostname()}\n${new Date().toISOString()}\n`);
  try {
    fs.linkSync(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

function isStale(file: string, pid: number): boolean {
  if (pid === process.pid) return !heldHere.has(file);
  return !pidAlive(pid);
}

// Removes a stale lock, serialized by a short-lived `.takeover` file so that two processes
// finding the same dead PID cannot delete each other's fresh lock.
function removeStale(file: string, stalePid: number | null): void {
  const guard = `${file}.takeover`;
  if (!tryCreate(guard)) {
    const guardPid = readPid(guard);
    // Someone else is taking over right now: give them a moment, then look again.
    if (guardPid !== null && guardPid !== process.pid && pidAlive(guardPid)) sleepSync(20);
    else fs.rmSync(guard, { force: true });
    return;
  }
  try {
    if (readPid(file) === stalePid) fs.rmSync(file, { force: true });
  } finally {
    fs.rmSync(guard, { force: true });
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Takes `dataDir/mc.lock` for this process, because PGlite silently loses writes when two
 * processes open one data dir. A lock whose PID is dead is taken over (and logged); a live one
 * throws DataDirLockedError.
 */
export function acquireDataDirLock(dataDir: string, options: { log: Logger }): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(path.resolve(dataDir), LOCK_FILE);
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(file)) {
      heldHere.add(file);
      let held = true;
      return {
        file,
        release() {
          if (!held) return;
          held = false;
          heldHere.delete(file);
          if (readPid(file) === process.pid) fs.rmSync(file, { force: true });
        },
      };
    }
    const pid = readPid(file);
    if (pid !== null && !isStale(file, pid)) throw new DataDirLockedError(dataDir, pid);
    if (pid !== null) {
      options.log.warn(
        { lockFile: file, stalePid: pid },
        'data dir lock left by a process that is gone; taking it over',
      );
    }
    removeStale(file, pid);
  }
  throw new Error(`could not take ${file} after 5 attempts; another process keeps replacing it`);
}
