#!/usr/bin/env node
// Entry point of the `mc` command. It runs the compiled JavaScript in dist/ (`npm run build`);
// in a fresh clone without dist/, it registers tsx and runs the TypeScript sources instead, so
// `npx mc sandbox` works straight after `npm ci`. After editing src/, rebuild (or delete dist/).
import { existsSync } from 'node:fs';

// What mc creates in a data dir (keys, PGlite files) is readable by its user only.
process.umask(0o077);
const compiled = new URL('../dist/cli/main.js', import.meta.url);
let entry = compiled.href;
if (!existsSync(compiled)) {
  const { register } = await import('tsx/esm/api');
  register();
  entry = new URL('../src/cli/main.ts', import.meta.url).href;
}
const { main } = await import(entry);
process.exitCode = await main(process.argv.slice(2));
