import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';

/**
 * PostgreSQL settings for the embedded store. PGlite's defaults size it as a server
 * (shared_buffers 128 MB); the bot's working set is a few MB of rows, so a 16 MB buffer cache
 * holds it and keeps idle RSS near half. PGlite's own start parameters stay first.
 */
export const PGLITE_SETTINGS = ['shared_buffers=16MB', 'temp_buffers=1MB', 'work_mem=2MB'];

/**
 * How V8 compiles PGlite's 9 MB of WebAssembly: with its baseline compiler only, and each
 * function on its first call. The optimising tier's code and compile zones cost ~30 MiB of
 * RSS and compete for the CPU while the bot starts; on the bot's short queries the baseline
 * code is as fast within the noise. Set before PGlite compiles its module; wasm only.
 */
export const PGLITE_V8_FLAGS = ['--liftoff-only', '--wasm-lazy-compilation'];

/** Applies PGLITE_V8_FLAGS to this process (idempotent). */
export function tuneWasmForPglite(): void {
  for (const flag of PGLITE_V8_FLAGS) v8.setFlagsFromString(flag);
}

/** PGlite's default start parameters followed by PGLITE_SETTINGS, as `-c name=value`. */
export function pgliteStartParams(defaults: readonly string[]): string[] {
  return [...defaults, ...PGLITE_SETTINGS.flatMap((setting) => ['-c', setting])];
}

/**
 * Creates the PostgreSQL cluster in `pgDir` (initdb) in a short-lived child process when it
 * does not exist yet. initdb in the bot's own process grows its WebAssembly memory to 700+ MB,
 * which the process then keeps; in a child, it is all returned when the child exits.
 */
export async function initPgliteDirOnce(pgDir: string): Promise<void> {
  if (existsSync(path.join(pgDir, 'PG_VERSION'))) return;
  const pglite = import.meta.resolve('@electric-sql/pglite');
  const code = `const { PGlite } = await import(process.argv[1]);
const db = await PGlite.create(process.argv[2]);
await db.close();`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code, pglite, pgDir], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exit = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (exit !== 0) {
    throw new Error(
      `creating the embedded database in ${pgDir} failed (exit ${exit}): ${stderr.trim()}`,
    );
  }
}
