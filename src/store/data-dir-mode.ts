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
