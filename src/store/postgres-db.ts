import pg from 'pg';
import type { Logger } from '../telemetry/logger.ts';
import type { Db, QueryResult, Transaction } from './db.ts';

// Parse values exactly as the PGlite backend does (see Db): a date stays 'YYYY-MM-DD' instead
// of becoming a Date at local midnight.
const TYPES = {
  getTypeParser(oid: number, format?: 'text') {
    if (oid === pg.types.builtins.DATE) return (value: string) => value;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export interface PostgresOptions {
  url: string;
  log: Logger;
  /** Most connections this process opens. Default 10. */
  max?: number;
  /** How long to wait for a connection before failing. Default 5 s. */
  connectTimeoutMs?: number;
  /** How long ping() waits for its answer. Default 3 s. */
  pingTimeoutMs?: number;
}

function toResult<T>(result: pg.QueryResult): QueryResult<T> {
  return { rows: result.rows as T[], rowCount: result.rowCount ?? result.rows.length };
}

/**
 * Opens a pool on a PostgreSQL 15 server. Connection failures are logged, never crash the
 * process, and fail fast; broken connections are dropped, so once the server is back new
 * queries succeed on the same Db.
 */
export async function openPostgresDb(options: PostgresOptions): Promise<Db> {
  const { log } = options;
  const pingTimeoutMs = options.pingTimeoutMs ?? 3000;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: 'mc',
    // Sessions in UTC, as in PGlite, so date arithmetic on timestamptz agrees between backends.
    options: '-c TimeZone=UTC',
    types: TYPES,
  });
  // An idle connection whose server went away: without a listener this would crash the process.
  pool.on('error', (error) => {
    log.warn({ err: error }, 'PostgreSQL connection lost; the pool will open a new one');
  });

  let closed = false;
  const db: Db = {
    kind: 'postgres',
    async query<T>(sql: string, params?: unknown[]) {
      return toResult<T>(await pool.query(sql, params));
    },
    async transaction<T>(fn: (tx: Transaction) => Promise<T>) {
      const client = await pool.connect();
      const onError = (error: Error) => {
        log.warn({ err: error }, 'PostgreSQL connection lost during a transaction');
      };
      client.on('error', onError);
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn({
          async query<R>(sql: string, params?: unknown[]) {
            return toResult<R>(await client.query(sql, params));
          },
          async exec(script: string) {
            // No parameters: the simple protocol, which accepts several statements.
            await client.query(script);
          },
        });
        const commit = await client.query('COMMIT');
        // PostgreSQL answers COMMIT of a failed transaction with ROLLBACK, not an error.
        if (commit.command === 'ROLLBACK') {
          throw new Error('transaction rolled back: a statement inside it failed');
        }
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw error;
      } finally {
        client.off('error', onError);
        // Passing an error destroys the connection instead of returning it to the pool.
        client.release(broken);
      }
    },
    async ping() {
      // query_timeout is a pg option its type definitions leave out.
      await pool.query({ text: 'SELECT 1', query_timeout: pingTimeoutMs } as pg.QueryConfig);
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
  log.info({ backend: 'postgres' }, 'database pool ready');
  return db;
}
