import { AsyncResource } from 'node:async_hooks';
import type { Db, QueryResult, Transaction } from './db.ts';

interface Pending {
  /** The work inside a shared transaction. */
  inBatch(tx: Transaction): Promise<unknown>;
  /** The same work on its own (its own transaction, or one autocommitted statement). */
  alone(): Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** Writes whose commits are shared with the writes that arrive at the same time. */
export interface GroupCommit {
  /** One statement; settles after the batch holding it committed. */
  query<T>(sql: string, params: unknown[]): Promise<QueryResult<T>>;
  /** fn in a transaction shared with other callers; settles after that transaction committed. */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
}

/**
 * Group commit: writes that arrive while another batch commits are queued and committed
 * together, in one transaction, so a burst pays one commit (one WAL flush) per batch instead
 * of one per write. Each caller's promise settles after its batch committed, so "stored before
 * answering" holds. If the batch fails (one write raised), each write of it runs again alone,
 * so one bad write never fails the others and each caller gets its own error. Batched work
 * must therefore touch only the database (it may run twice; the first run was rolled back).
 */
export function createGroupCommit(db: Db, options: { maxBatch?: number } = {}): GroupCommit {
  const maxBatch = options.maxBatch ?? 200;
  const queue: Pending[] = [];
  let flushing = false;

  async function settleAlone(item: Pending): Promise<void> {
    try {
      item.resolve(await item.alone());
    } catch (error) {
      item.reject(error);
    }
  }

  async function flush(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      if (batch.length === 1) {
        await settleAlone(batch[0]!);
        continue;
      }
      let results: unknown[] | undefined;
      try {
        results = await db.transaction(async (tx) => {
          const out: unknown[] = [];
          for (const item of batch) out.push(await item.inBatch(tx));
          return out;
        });
      } catch {
        results = undefined;
      }
      if (results) {
        for (const [i, item] of batch.entries()) item.resolve(results[i]);
      } else {
        for (const item of batch) await settleAlone(item);
      }
    }
    flushing = false;
  }
  // Batches run in the context the group commit was made in, never in the first caller's:
  // a caller inside a PGlite transaction must not make the shared batch look re-entrant.
  const startFlush = AsyncResource.bind(() => void flush());

  function enqueue<T>(inBatch: Pending['inBatch'], alone: Pending['alone']): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      queue.push({ inBatch, alone, resolve: resolve as Pending['resolve'], reject });
      if (flushing) return;
      flushing = true;
      // Let the writes of requests read in this turn of the event loop join the first batch.
      setImmediate(startFlush);
    });
  }

  return {
    query<T>(sql: string, params: unknown[]) {
      return enqueue<QueryResult<T>>(
        (tx) => tx.query<T>(sql, params),
        () => db.query<T>(sql, params),
      );
    },
    transaction<T>(fn: (tx: Transaction) => Promise<T>) {
      return enqueue<T>(fn, () => db.transaction(fn));
    },
  };
}
