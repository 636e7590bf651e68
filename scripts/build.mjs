// `npm run build`: compiles src/ to dist/ with tsc (tsconfig.build.json) and copies the files
// the compiled code reads at run time (SQL migrations, the sandbox console's static files).
// `--if-stale` (used by `npm start`) builds only when a file in src/ is newer than the last build.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');
const stamp = path.join(dist, '.built');
const ASSETS = ['store/migrations', 'sandbox/console/static'];

function newestInSrc() {
  let newest = 0;
  for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

if (process.argv.includes('--if-stale') && existsSync(stamp)) {
  if (statSync(stamp).mtimeMs >= newestInSrc()) process.exit(0);
}
// A stale dist/ could keep a file whose source was deleted; start from nothing.
rmSync(dist, { recursive: true, force: true });
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
if (result.status !== 0) process.exit(result.status ?? 1);
for (const asset of ASSETS) {
  cpSync(path.join(src, asset), path.join(dist, asset), { recursive: true });
}
writeFileSync(stamp, `${new Date().toISOString()}\n`);
