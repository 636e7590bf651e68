import fs from 'node:fs';
import path from 'node:path';

/** The data dir is writable by other users: any of them could rewrite runs, approvals or the ledger. */
export class DataDirModeError extends Error {
  constructor(dir: string, mode: number) {
    const octal = (mode & 0o777).toString(8).padStart(3, '0');
    super(
      `data dir ${dir} is writable by other users (mode ${octal}), who could rewrite runs, approvals and the ledger. Fix it with: chmod 700 ${dir} (and make the user mc runs as its owner)`,
    );
    this.name = 'DataDirModeError';
  }
}

/**
 * Creates the data dir readable by this user only (0700) when missing, and refuses one that
 * group or others can write. Returns its absolute path.
 */
export function ensurePrivateDataDir(dataDir: string): string {
  const dir = path.resolve(dataDir);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { mode } = fs.statSync(dir);
  if ((mode & 0o022) !== 0) throw new DataDirModeError(dir, mode);
  return dir;
}

/**
 * Takes group and other bits off everything under dir. PGlite writes its files 0666 whatever
 * the umask; the 0700 data dir already keeps other users out, this keeps the files private
 * too if the dir is ever copied or opened up.
 */
export function tightenTree(dir: string): void {
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    const { mode } = fs.lstatSync(file);
    if (!entry.isSymbolicLink() && (mode & 0o077) !== 0) fs.chmodSync(file, mode & 0o700);
  }
}
