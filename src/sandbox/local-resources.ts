import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';

const MARKER = '.mc-sandbox';

/**
 * Empties the data dir for a new run (emulated clusters start fresh each time, so old runs
 * and incidents would point at nothing). Only a directory the sandbox made is wiped.
 */
export async function freshDataDir(dir: string): Promise<string> {
  if (existsSync(dir)) {
    const entries = await readdir(dir);
    if (entries.length > 0 && !entries.includes(MARKER)) {
      throw new Error(
        `${dir} is not empty and was not made by mc sandbox; choose another --data-dir`,
      );
    }
    await rm(dir, { recursive: true, force: true });
  }
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, MARKER), 'data of `mc sandbox`; wiped at every start\n');
  return dir;
}

/** A free TCP port on 127.0.0.1 (the bot's URL must be known before it starts: evidence links). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
