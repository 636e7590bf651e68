import { type ChildProcess, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createLedger } from '../../src/evidence/ledger/create-ledger.ts';
import { openStore } from '../../src/store/open-store.ts';
import { postgresSkipReason } from '../support/postgres.ts';
import { openPostgresStore, silentLog, type TestStore } from './support/test-store.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

function start(script: string, args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('worker not ready in 60 s')), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', () => {
      clearTimeout(timer);
      reject(new Error('worker exited before it was ready'));
    });
  });
}

function finished(
  child: ChildProcess,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

describe.skipIf(postgresSkipReason() !== null)(
  'src/evidence/ledger across processes (PostgreSQL)',
  () => {
    let store: TestStore | undefined;
    afterAll(async () => {
      await store?.close();
    });

    it('two processes doing 500 concurrent appends each produce one chain of 1,000', async () => {
      store = await openPostgresStore();
      const workers = ['a', 'b'].map((tag) =>
        start(fixture('append-worker.ts'), [store!.url!, '500', tag]),
      );
      children.push(...workers);
      const runs = workers.map(finished);
      await Promise.all(workers.map(ready));
      for (const worker of workers) worker.stdin?.end('go\n');
      const results = await Promise.all(runs);
      for (const result of results) expect(result, result.stderr).toMatchObject({ code: 0 });
      const perChild = results.map(
        (r) => (JSON.parse(r.stdout.split('\n')[1] ?? '') as { seqs: number[] }).seqs,
      );
      // Both ran at once: each one's entries start before the other's end.
      const [a = [], b = []] = perChild;
      expect(Math.min(...a)).toBeLessThan(Math.max(...b));
      expect(Math.min(...b)).toBeLessThan(Math.max(...a));
      const seqs = perChild.flat();
      expect(seqs.sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
      const report = await createLedger(store.db).verify();
      expect(report).toMatchObject({ ok: true, checked: 1000, lastSeq: 1000 });
      const perWorker = await store.db.query<{ actor: string; n: string }>(
        'SELECT actor, count(*) AS n FROM ledger_entries GROUP BY actor ORDER BY actor',
      );
      expect(perWorker.rows).toEqual([
        { actor: 'worker-a', n: '500' },
        { actor: 'worker-b', n: '500' },
      ]);
    }, 120_000);
  },
);

describe('src/evidence/ledger after kill -9 (PGlite data dir)', () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('reopens with an intact chain holding every entry the child reported committed', async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mc-kill9-'));
    const child = start(fixture('append-loop.ts'), [dir]);
    children.push(child);
    const done = finished(child);
    let committed = 0;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('child committed nothing in 60 s')), 60_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        const lines = chunk.toString().trim().split('\n');
        committed = Math.max(committed, Number(lines[lines.length - 1]));
        if (committed >= 150) {
          clearTimeout(timer);
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    const result = await done;
    expect(result.code, result.stderr).toBeNull(); // killed by the signal, not exited
    const store = await openStore({ dataDir: dir, log: silentLog }); // takes over the stale lock
    try {
      const ledger = createLedger(store.db);
      const report = await ledger.verify();
      expect(report.ok, report.problem?.message).toBe(true);
      expect(report.checked).toBeGreaterThanOrEqual(committed);
      const head = await ledger.head();
      expect(head).toEqual({ seq: report.lastSeq, hash: report.lastHash });
      const next = await ledger.append({ actor: 'after', kind: 'k', subject: 's', data: {} });
      expect(next.seq).toBe(head.seq + 1);
    } finally {
      await store.close();
    }
  }, 120_000);
});
