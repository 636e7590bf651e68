import { AsyncLocalStorage } from 'node:async_hooks';
import path from 'node:path';
import { PGlite, type Transaction as PGliteTransaction, type Results } from '@electric-sql/pglite';
import type { Logger } from '../telemetry/logger.ts';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.ts';
import { tightenTree } from './data-dir-mode.ts';
import type { Db, QueryResult, Transaction } from './db.ts';
import { StoreFencedError } from './errors.ts';
import { initPgliteDirOnce, pgliteStartParams, tuneWasmForPglite } from './pglite-init.ts';

const asText = (value: string) => value;
/** Urgent calls granted in a row while background work waits, before one of it goes. */
const URGENT_RUN = 4;

// Parse values exactly as the pg backend does (see Db): int8 as string, date as 'YYYY-MM-DD'.
// PGlite derives array parsers from these element parsers.
const PARSERS = { 20: asText, 1082: asText };

function toResult<T>(result: Results<T>): QueryResult<T> {
  return { rows: result.rows, rowCount: result.rowCount ?? result.affectedRows ?? 0 };
}

function wrapTransaction(tx: PGliteTransaction): Transaction {
  return {
    async query<T>(sql: string, params?: unknown[]) {
      return toResult(await tx.query<T>(sql, params));
    },
    async exec(script: string) {
      await tx.exec(script);
    },
  };
}

/**
 * Opens embedded PostgreSQL (PGlite). With a dataDir the files live in `dataDir/pglite` and
 * the dir is locked to this process (see acquireDataDirLock); `null` keeps everything in
 * memory, for tests.
 */
export async function openPgliteDb(options: {
  dataDir: string | null;
  log: Logger;
  /** Called once when another writer shows up in the data dir; the Db refuses every call after. */
  onLost?: (reason: string) => void;
}): Promise<Db> {
  const { dataDir, log } = options;
  const started = performance.now();
  let lock: DataDirLock | null = null;
  let pglite: PGlite;
  const startParams = pgliteStartParams(PGlite.defaultStartParams);
  tuneWasmForPglite();
  if (dataDir === null) {
    pglite = await PGlite.create({ parsers: PARSERS, startParams });
  } else {
    lock = acquireDataDirLock(dataDir, { log });
    try {
      const pgDir = path.join(path.resolve(dataDir), 'pglite');
      await initPgliteDirOnce(pgDir);
      pglite = await PGlite.create(pgDir, { parsers: PARSERS, startParams });
      tightenTree(path.resolve(dataDir));
    } catch (error) {
      lock.release();
      throw error;
    }
  }
  log.info(
    { backend: 'pglite', dataDir, ms: Math.round(performance.now() - started) },
    'database opened',
  );

  // PGlite has one connection and queues every query behind an open transaction (its own
  // mutex). So a call on the Db from inside transaction() would wait for itself forever;
  // remember which async context is inside a transaction and fail loudly instead.
  const insideTransaction = new AsyncLocalStorage<{ open: boolean }>();
  function refuseReentry(what: string): void {
    if (insideTransaction.getStore()?.open) {
      throw new Error(
        `db.${what}() called inside db.transaction() on PGlite: use the tx passed to the callback (PGlite has one connection, so this call would wait forever)`,
      );
    }
  }

  // Another writer in the same dir (a bot that ignores the OS lock, a copy over NFS without
  // locks) would lose writes silently: check before every call and stop for good once seen.
  let lost: string | null = null;
  function refuseWithoutLock(): void {
    if (lost === null && lock) {
      lost = lock.check();
      if (lost !== null) {
        log.fatal({ dataDir, reason: lost }, 'the data dir is no longer ours; the store stops');
        options.onLost?.(lost);
      }
    }
    if (lost !== null) throw new StoreFencedError(lost);
  }
  const watch = lock
    ? setInterval(() => {
        try {
          refuseWithoutLock();
        } catch {
          clearInterval(watch);
        }
      }, 1000)
    : undefined;
  watch?.unref();

  // One call reaches PGlite at a time, in our order: urgent calls (a webhook waiting for its
  // 2xx) go ahead of background work already waiting, but never more than URGENT_RUN times
  // in a row while background work waits, so a flood cannot starve the inbox worker.
  const waiting = { urgent: [] as (() => void)[], normal: [] as (() => void)[] };
  let busy = false;
  let urgentRun = 0;
  const whenIdle: (() => void)[] = [];
  async function exclusive<T>(urgent: boolean, work: () => Promise<T>): Promise<T> {
    if (busy)
      await new Promise<void>((resolve) => waiting[urgent ? 'urgent' : 'normal'].push(resolve));
    busy = true;
    try {
      return await work();
    } finally {
      const preferUrgent =
        waiting.urgent.length > 0 && (urgentRun < URGENT_RUN || waiting.normal.length === 0);
      const next = preferUrgent
        ? waiting.urgent.shift()
        : (waiting.normal.shift() ?? waiting.urgent.shift());
      urgentRun = preferUrgent ? urgentRun + 1 : 0;
      // Handed over on the next turn of the event loop, so that requests read meanwhile (a
      // webhook) get their turn between two calls of a long run of background work.
      if (next) setImmediate(next);
      else {
        busy = false;
        for (const idle of whenIdle.splice(0)) idle();
      }
    }
  }

  function view(urgent: boolean): Db {
    const db: Db = {
      kind: 'pglite',
      async query<T>(sql: string, params?: unknown[]) {
        refuseReentry('query');
        refuseWithoutLock();
        return exclusive(urgent, async () => toResult(await pglite.query<T>(sql, params)));
      },
      async transaction<T>(fn: (tx: Transaction) => Promise<T>) {
        refuseReentry('transaction');
        refuseWithoutLock();
        return exclusive(urgent, () =>
          pglite.transaction(async (tx) => {
            const state = { open: true };
            try {
              return await insideTransaction.run(state, () => fn(wrapTransaction(tx)));
            } finally {
              state.open = false;
            }
          }),
        );
      },
      async ping() {
        refuseReentry('ping');
        refuseWithoutLock();
        await exclusive(urgent, () => pglite.query('SELECT 1'));
      },
      close,
    };
    return db;
  }

  let closed = false;
  async function close() {
    if (closed) return;
    closed = true;
    clearInterval(watch);
    // Calls already queued run first, as they did in PGlite's own queue; later ones fail.
    if (busy) await new Promise<void>((resolve) => whenIdle.push(resolve));
    try {
      await pglite.close();
      if (dataDir !== null && lost === null) tightenTree(path.resolve(dataDir));
    } finally {
      lock?.release();
    }
  }
  return { ...view(false), urgent: view(true) };
}
