/**
 * Runs benchmark scenarios: every bench/*.ts (but this file) in sequence, or those named.
 *   npm run bench                      all scenarios
 *   npm run bench -- slack-ack --requests 500
 * Each scenario runs in its own process so one cannot warm or slow another.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts')
  .map((file) => file.slice(0, -3))
  .sort();

const args = process.argv.slice(2);
const named = args.filter((arg, i) => !arg.startsWith('-') && !args[i - 1]?.startsWith('--'));
const passThrough = args.filter((arg) => !named.includes(arg));
const unknown = named.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(`unknown scenario(s): ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}

let failed = 0;
for (const scenario of named.length > 0 ? named : available) {
  console.log(`\n== ${scenario}`);
  const child = spawn(
    process.execPath,
    [
      ...(process.execArgv.length > 0 ? process.execArgv : ['--import', 'tsx']),
      path.join(here, `${scenario}.ts`),
      ...passThrough,
    ],
    { stdio: 'inherit' },
  );
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  if (code !== 0) {
    failed += 1;
    console.error(`${scenario} exited with ${code}`);
  }
}
process.exit(failed > 0 ? 1 : 0);
