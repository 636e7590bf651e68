#!/usr/bin/env node
// Entry point of the `mc` command: registers tsx so the TypeScript sources run as they are.
import { register } from 'tsx/esm/api';

// What mc creates in a data dir (keys, PGlite files) is readable by its user only.
process.umask(0o077);
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
