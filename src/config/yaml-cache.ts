import { createHash } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Parsing the config's YAML (~650 KB, mostly public alert vocabularies) takes 0.5-2 s on a
// busy 2-core machine, JSON.parse of the same data a few ms. A file whose bytes did not change
// since the last successful parse is read from its cached JSON instead. One entry per file
// (named after its absolute path), so the cache never holds more entries than there are files.
// Bump FORMAT when the parse options or the shape of an entry change.
const FORMAT = 'mc-yaml-cache-1';

interface Entry {
  format: string;
  digest: string;
  data: unknown;
}

function digestOf(source: string): string {
  return createHash('sha256').update(FORMAT).update('\0').update(source).digest('hex');
}

function entryFile(dir: string, absolute: string): string {
  return path.join(dir, `${createHash('sha256').update(absolute).digest('hex')}.json`);
}

/** The cached data of `absolute` when it was parsed from exactly `source`, else undefined. */
export function readCachedYaml(dir: string, absolute: string, source: string): unknown {
  let fd: number | undefined;
  try {
    fd = openSync(entryFile(dir, absolute), 'r');
    // Only an entry this user wrote and no one else can rewrite stands in for the YAML.
    const stat = fstatSync(fd);
    if ((stat.mode & 0o022) !== 0 || stat.uid !== process.getuid?.()) return undefined;
    const entry = JSON.parse(readFileSync(fd, 'utf8')) as Entry;
    if (entry.format === FORMAT && entry.digest === digestOf(source)) return entry.data;
  } catch {
    // No entry yet, or an unreadable one: parse the YAML.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return undefined;
}

/**
 * Stores the data parsed from `source`, when JSON gives back exactly that data (YAML can also
 * yield NaN, Infinity, -0 or binary, which are then parsed again next time). Written to a
 * temporary file and renamed, so a reader never sees half an entry. Failures are ignored: the
 * cache only saves time.
 */
export function writeCachedYaml(dir: string, absolute: string, source: string, data: unknown) {
  if (!isPlainJson(data)) return;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = entryFile(dir, absolute);
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    const entry: Entry = { format: FORMAT, digest: digestOf(source), data };
    writeFileSync(temp, JSON.stringify(entry), { mode: 0o600 });
    renameSync(temp, file);
  } catch {
    // A read-only or full disk: the next start parses the YAML again.
  }
}

/** True when JSON.stringify then JSON.parse returns a deep-equal copy of value. */
export function isPlainJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(isPlainJson);
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const [key, inner] of Object.entries(value)) {
    if (key === '__proto__' || !isPlainJson(inner)) return false;
  }
  return true;
}

/**
 * The per-user cache directory for the CLI: `$XDG_CACHE_HOME/maestro-conductor/config`, else
 * `~/.cache/maestro-conductor/config`.
 */
export function userConfigCacheDir(env: Record<string, string | undefined>): string {
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'maestro-conductor', 'config');
}

/**
 * The bot's cache directory, `dataDir/cache/config`, creating the data dir (0700) when missing.
 * Undefined when the data dir is not this user's alone: the store refuses such a dir when it
 * opens, and nothing may be written into it before.
 */
export function botConfigCacheDir(dataDir: string): string | undefined {
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const stat = statSync(dataDir);
    if (!stat.isDirectory() || (stat.mode & 0o022) !== 0) return undefined;
    if (stat.uid !== process.getuid?.()) return undefined;
    return path.join(dataDir, 'cache', 'config');
  } catch {
    return undefined;
  }
}
