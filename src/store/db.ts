/** A result set as both pg and PGlite return it. */
export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

/** Something SQL can be sent to: the database, or one transaction on it. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
}

/** One open transaction. `exec` runs a script of several statements without parameters. */
export interface Transaction extends Queryable {
  exec(script: string): Promise<void>;
}

/**
 * One SQL dialect (PostgreSQL 15) over two backends: embedded PGlite or a pg pool.
 * Repositories receive a Db and never know which backend they talk to. Both backends return
 * the same JavaScript values: int8 and numeric as strings, date as 'YYYY-MM-DD', timestamptz
 * as Date, json/jsonb parsed, bytea as Uint8Array.
 */
export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs fn in one transaction; commits on return, rolls back on throw. */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  /** Cheap round trip used by /readyz. Throws when the database is unreachable. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /**
   * The same database for calls someone is waiting on (a webhook's 2xx): on PGlite's one
   * connection they go ahead of background work already queued. Absent on a pool, where
   * nothing queues behind another caller's transaction.
   */
  readonly urgent?: Db;
}
