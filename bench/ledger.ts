/**
 * Ledger throughput: appends (sequential and at concurrency 16) and `verify` over a chain of
 * 100,000 entries, on PGlite (a temp data dir) and on PostgreSQL (BENCH_DATABASE_URL, or a
 * throwaway cluster from scripts/postgres.sh when its binaries exist). Target (reported, not
 * asserted): verify entries/s >= 0.5 x raw sha256 over the same canonical bytes.
 *
 *   npm run bench -- ledger   [--appends 2000] [--entries 100000] [--rounds 3]
 */
import { execFile } from 'node:child_process';
import { createHash, hash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  type CanonicalFields,
  canonicalEntryText,
  canonicalJson,
  GENESIS_PREV_HASH,
  hashEntry,
} from '../src/evidence/ledger/canonical-entry.ts';
import { createChainChecker, type StoredRow } from '../src/evidence/ledger/check-chain.ts';
import { createLedger } from '../src/evidence/ledger/create-ledger.ts';
import { pagesOfRows } from '../src/evidence/ledger/ledger-rows.ts';
import type { Db } from '../src/store/db.ts';
import { openStore, type Store } from '../src/store/open-store.ts';
import { createLogger } from '../src/telemetry/logger.ts';
import { machineLine, verdict } from './support/verdict.ts';

const run = promisify(execFile);
const log = createLogger({ level: 'silent' });
const POSTGRES_SCRIPT = fileURLToPath(new URL('../scripts/postgres.sh', import.meta.url));

function option(name: string, fallback: number): number {
  const flag = process.argv.indexOf(`--${name}`);
  const raw = flag >= 0 ? process.argv[flag + 1] : process.env[`BENCH_${name.toUpperCase()}`];
  const value = Number(raw ?? fallback);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`--${name} must be a positive integer`);
  return value;
}

const APPENDS = option('appends', 2000);
const ENTRIES = option('entries', 100_000);
const ROUNDS = option('rounds', 3);

const perSecond = (count: number, ms: number) => Math.round((count / ms) * 1000);
const fmt = (n: number) => n.toLocaleString('en-US');

async function emptyLedger(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    // The append-only triggers refuse TRUNCATE; a benchmark owns its database and may reset it.
    const tables = ['ledger_roots', 'evidence', 'ledger_entries'];
    for (const table of tables) await tx.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
    await tx.query(`TRUNCATE ${tables.join(', ')} CASCADE`);
    for (const table of tables) await tx.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
    await tx.query('UPDATE ledger_head SET seq = 0, hash = $1', [GENESIS_PREV_HASH]);
  });
}

async function appendRate(db: Db, concurrency: number): Promise<number> {
  await emptyLedger(db);
  const ledger = createLedger(db);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < APPENDS) {
        const i = next++;
        await ledger.append({
          actor: 'U024BE7LH',
          kind: 'run.step',
          subject: 'checkout/prod',
          data: { run: `run_${i}`, step: 'apply' },
        });
      }
    }),
  );
  const ms = performance.now() - started;
  const report = await ledger.verify();
  if (!report.ok || report.checked !== APPENDS)
    throw new Error(`append bench broke the chain: ${report.problem?.message}`);
  return perSecond(APPENDS, ms);
}

/** A valid chain built in memory: the rows to store and their canonical texts. */
function buildChain(count: number): { rows: StoredRow[]; texts: string[] } {
  const rows: StoredRow[] = [];
  const texts: string[] = [];
  let prevHash = GENESIS_PREV_HASH;
  const start = Date.parse('2025-01-01T00:00:00.000Z');
  for (let seq = 1; seq <= count; seq++) {
    const fields: CanonicalFields = {
      seq,
      at: new Date(start + seq * 250).toISOString(),
      actor: 'U024BE7LH',
      kind: 'run.step',
      subject: 'checkout/prod',
      dataJson: canonicalJson({
        run: `run_${seq}`,
        step: 'apply',
        image: 'registry.example.com/checkout:v1.4.2',
        replicas: 6,
      }),
      prevHash,
    };
    prevHash = hashEntry(fields);
    rows.push({ ...fields, hash: prevHash });
    texts.push(canonicalEntryText(fields));
  }
  return { rows, texts };
}

async function loadChain(db: Db, rows: StoredRow[]): Promise<void> {
  await emptyLedger(db);
  for (let i = 0; i < rows.length; i += 2000) {
    const chunk = rows.slice(i, i + 2000);
    const column = <K extends keyof StoredRow>(key: K) => chunk.map((row) => row[key]);
    await db.query(
      `INSERT INTO ledger_entries (seq, at, actor, kind, subject, data, prev_hash, hash)
       SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[],
                            $6::text[], $7::text[], $8::text[])`,
      [
        column('seq'),
        column('at'),
        column('actor'),
        column('kind'),
        column('subject'),
        column('dataJson'),
        column('prevHash'),
        column('hash'),
      ],
    );
  }
  const last = rows[rows.length - 1]!;
  await db.query('UPDATE ledger_head SET seq = $1, hash = $2', [last.seq, last.hash]);
  await db.query('ANALYZE ledger_entries');
}

function best(samples: number[]): number {
  return Math.min(...samples);
}

async function benchBackend(name: string, store: Store, chain: ReturnType<typeof buildChain>) {
  const { db } = store;
  const sequential = await appendRate(db, 1);
  const concurrent = await appendRate(db, 16);
  await loadChain(db, chain.rows);
  const ledger = createLedger(db);
  const verifyMs: number[] = [];
  const rawMs: number[] = [];
  const rawStreamMs: number[] = [];
  const checkMs: number[] = [];
  const readMs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    let t = performance.now();
    for (const text of chain.texts) hash('sha256', text, 'hex');
    rawMs.push(performance.now() - t);
    t = performance.now();
    for (const text of chain.texts) createHash('sha256').update(text).digest('hex');
    rawStreamMs.push(performance.now() - t);
    t = performance.now();
    const report = await ledger.verify();
    verifyMs.push(performance.now() - t);
    if (!report.ok || report.checked !== ENTRIES)
      throw new Error(`verify failed: ${report.problem?.message}`);
    t = performance.now();
    let read = 0;
    for await (const rows of pagesOfRows(db, 1, ENTRIES, 5_000)) read += rows.length;
    readMs.push(performance.now() - t);
    if (read !== ENTRIES) throw new Error(`read ${read} of ${ENTRIES} rows`);
    t = performance.now();
    const checker = createChainChecker(1, GENESIS_PREV_HASH);
    for (const row of chain.rows) if (checker.push(row)) throw new Error('in-memory check failed');
    checkMs.push(performance.now() - t);
  }
  const raw = perSecond(ENTRIES, best(rawMs));
  const rawStream = perSecond(ENTRIES, best(rawStreamMs));
  const verify = perSecond(ENTRIES, best(verifyMs));
  const check = perSecond(ENTRIES, best(checkMs));
  console.log(`\n${name}`);
  console.log(
    `  append, sequential:        ${fmt(sequential)} entries/s (${fmt(APPENDS)} appends)`,
  );
  console.log(`  append, concurrency 16:    ${fmt(concurrent)} entries/s`);
  console.log(
    `  raw sha256 (same bytes):   ${fmt(raw)} entries/s one-shot crypto.hash, ${fmt(rawStream)} with createHash`,
  );
  console.log(
    `  verify ${fmt(ENTRIES)} from the db: ${fmt(verify)} entries/s, ${best(verifyMs).toFixed(0)} ms, ratio ${(verify / raw).toFixed(2)} (target >= 0.5)`,
  );
  console.log(
    `  verify in memory (no db):  ${fmt(check)} entries/s, ratio ${(check / raw).toFixed(2)}`,
  );
  // The floor of any verify that reads the rows here: reading alone, against the time the
  // target allows (twice the raw hashing time).
  console.log(
    `  reading the rows alone:    ${best(readMs).toFixed(0)} ms; the target allows ${(2 * best(rawMs)).toFixed(0)} ms for reading and hashing`,
  );
  console.log(
    `  ${verdict(`ledger verify ÷ raw sha256, ${name}`, verify / raw, '×', { op: '>=', value: 0.5 })}`,
  );
  if (store.db.kind === 'pglite') {
    console.log(
      `  ${verdict('ledger append, PGlite, sequential', sequential, 'entries/s', { op: '>=', value: 1000 })}`,
    );
  }
  console.log(`  ${machineLine()}`);
}

async function withPostgres(fn: (url: string) => Promise<void>): Promise<void> {
  if (process.env.BENCH_DATABASE_URL) return fn(process.env.BENCH_DATABASE_URL);
  try {
    await run('bash', [POSTGRES_SCRIPT, 'bindir']);
  } catch {
    console.log('\nPostgreSQL: skipped (no binaries; set BENCH_DATABASE_URL to use a server)');
    return;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mc-bench-pg-'));
  try {
    const { stdout } = await run('bash', [POSTGRES_SCRIPT, 'start', dir], { timeout: 60_000 });
    await fn(stdout.trim());
  } finally {
    await run('bash', [POSTGRES_SCRIPT, 'destroy', dir], { timeout: 60_000 });
  }
}

console.log(
  `ledger bench: ${fmt(APPENDS)} appends per mode, verify over ${fmt(ENTRIES)} entries, best of ${ROUNDS}`,
);
const chain = buildChain(ENTRIES);
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mc-bench-pglite-'));
try {
  const store = await openStore({ dataDir, log });
  try {
    await benchBackend(`PGlite (data dir ${dataDir})`, store, chain);
  } finally {
    await store.close();
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
await withPostgres(async (url) => {
  const store = await openStore({ databaseUrl: url, dataDir: null, log });
  try {
    await benchBackend('PostgreSQL 15 (loopback, fsync off)', store, chain);
  } finally {
    await store.close();
  }
});
