import path from 'node:path';
import type { CliIo } from './io.ts';

/**
 * The config directory a subcommand reads: `--dir` when given, else `MC_CONFIG_DIR` (as the
 * bot itself does), else the current directory. Relative paths resolve against the cwd.
 */
export function configDir(io: CliIo, dir?: string): string {
  const chosen = dir ?? (io.env.MC_CONFIG_DIR || '.');
  return path.resolve(io.cwd, chosen);
}
