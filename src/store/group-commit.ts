import type { Db, QueryResult } from './db.ts';

interface Pending {
  sql: string;
  params: unknown[];
  resolve(result: QueryResult<unknown>): void;
  reject(error: unknown): void;
}

/** Runs single-statement writes; concurrent ones share a transaction and so one commit. */
export interface GroupCommit {
  query<T>(sql: string, params: unknown[]): Promise<QueryResult<T>>;
}

/**
 * Group commit: writes that arrive while another batch commits are queued and committed
 * together, in one transaction, so a storm pays one commit (one WAL flush) per batch instead
 * of one per write. Each caller's promise settles after its batch committed, so "stored before
 * answering" holds. If the batch fails (one statement raised), each write of it is retried
 * alone, so one bad write never fails the others and each caller gets its own error.
 */
export function createGroupCommit(db: Db, options: { maxBatch?: number } = {}): GroupCommit {
  const maxBatch = options.maxBatch ?? 200;
  const queue: Pending[] = [];
  let flushing = false;

  async function alone(item: Pending): Promise<void> {
    try {
      item.resolve(await db.query(item.sql, item.params));
    } catch (error) {
      item.reject(error);
    }
  }

  async function flush(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      if (batch.length === 1) {
        await alone(batch[0]!);
        continue;
      }
      let results: QueryResult<unknown>[] | undefined;
      try {
        results = await db.transaction(async (tx) => {
          const out: QueryResult<unknown>[] = [];
          for (const item of batch) out.push(await tx.query(item.sql, item.params));
          return out;
        });
      } catch {
        results = undefined;
      }
      if (results) {
        for (const [i, item] of batch.entries()) item.resolve(results[i]!);
      } else {
        for (const item of batch) await alone(item);
      }
    }
    flushing = false;
  }

  return {
    query<T>(sql: string, params: unknown[]) {
      return new Promise<QueryResult<T>>((resolve, reject) => {
        queue.push({ sql, params, resolve: resolve as Pending['resolve'], reject });
        if (flushing) return;
        flushing = true;
        // Let the writes of requests read in this turn of the event loop join the first batch.
        setImmediate(() => void flush());
      });
    },
  };
}
