import type { Queryable } from '../../store/db.ts';
import type { StoredRow } from './check-chain.ts';

// `at` is read with microseconds so that a sub-millisecond edit is not rounded away: such
// a value keeps all six digits and can never reproduce the millisecond form that was hashed.
const AT_TEXT = `to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

// A page travels as ONE JSON text (an array of row arrays) rather than thousands of result
// rows: decoding rows one by one costs more than hashing them, on PGlite and on pg alike.
// JSON here is only transport; the hashed bytes are rebuilt from the decoded strings.
const PAGE_AS_JSON = `SELECT coalesce(json_agg(json_build_array(
    seq, ${AT_TEXT}, actor, kind, subject, data, prev_hash, hash) ORDER BY seq), '[]')::text AS page
  FROM ledger_entries WHERE seq BETWEEN $1 AND $2`;

type PageRow = [number, string, string, string, string, string, string, string];

/** The chain head as recorded in `ledger_head`: seq 0 and the genesis value when empty. */
export interface LedgerHead {
  seq: number;
  hash: string;
}

function toAt(text: string): string {
  return text.endsWith('000Z') && text.length === 27 ? `${text.slice(0, 23)}Z` : text;
}

/** Rows with from <= seq <= to in seq order (seqs are gapless, so at most to - from + 1). */
export async function fetchRows(q: Queryable, from: number, to: number): Promise<StoredRow[]> {
  // Both bounds come from the page, never an open range: without statistics the planner
  // would otherwise scan and sort the whole tail of the table for every page.
  const result = await q.query<{ page: string }>(PAGE_AS_JSON, [from, to]);
  const rows = JSON.parse(result.rows[0]?.page ?? '[]') as PageRow[];
  return rows.map(([seq, at, actor, kind, subject, data, prevHash, hash]) => ({
    seq,
    at: toAt(at),
    actor,
    kind,
    subject,
    dataJson: data,
    prevHash,
    hash,
  }));
}

/**
 * Pages of rows over [from, to], each covering `pageSize` seqs. Up to `depth` pages are
 * fetched ahead while the caller works on the current one (PostgreSQL builds them on other
 * connections meanwhile; PGlite simply queues them).
 */
export async function* pagesOfRows(
  q: Queryable,
  from: number,
  to: number,
  pageSize: number,
  depth = 2,
): AsyncGenerator<StoredRow[]> {
  const ahead: Array<Promise<StoredRow[]>> = [];
  let next = from;
  function fill(): void {
    while (ahead.length < depth && next <= to) {
      const page = fetchRows(q, next, Math.min(next + pageSize - 1, to));
      // Awaited later (and rethrown there); until then a failure must not count as unhandled.
      page.catch(() => {});
      ahead.push(page);
      next += pageSize;
    }
  }
  fill();
  for (let page = ahead.shift(); page; page = ahead.shift()) {
    const rows = await page;
    fill();
    yield rows;
  }
}

/** Stored hash of one entry, or null when there is no such row. */
export async function fetchHash(q: Queryable, seq: number): Promise<string | null> {
  const result = await q.query<{ hash: string }>('SELECT hash FROM ledger_entries WHERE seq = $1', [
    seq,
  ]);
  return result.rows[0]?.hash ?? null;
}

/** Reads the head and the highest stored seq in one statement, so both come from one snapshot. */
export async function fetchHeadState(q: Queryable): Promise<LedgerHead & { maxSeq: number }> {
  const result = await q.query<{ seq: string | number; hash: string; max_seq: string | null }>(
    'SELECT h.seq, h.hash, (SELECT max(seq) FROM ledger_entries) AS max_seq FROM ledger_head h',
  );
  const row = result.rows[0];
  if (!row) throw new Error('ledger_head has no row: is migration 002_ledger.sql applied?');
  return { seq: Number(row.seq), hash: row.hash, maxSeq: Number(row.max_seq ?? 0) };
}

/** Locks the chain head for the rest of the transaction and returns it. */
export async function lockHead(tx: Queryable): Promise<LedgerHead> {
  const result = await tx.query<{ seq: string | number; hash: string }>(
    'SELECT seq, hash FROM ledger_head WHERE id FOR UPDATE',
  );
  const row = result.rows[0];
  if (!row) throw new Error('ledger_head has no row: is migration 002_ledger.sql applied?');
  return { seq: Number(row.seq), hash: row.hash };
}

/** Writes a new entry and moves the head to it, in one statement (the caller holds the head lock). */
export async function insertRow(tx: Queryable, row: StoredRow): Promise<void> {
  // One round trip instead of two: every append waits for the head lock, so each trip
  // made while holding it costs throughput for all writers.
  await tx.query(
    `WITH entry AS (
       INSERT INTO ledger_entries (seq, at, actor, kind, subject, data, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     )
     UPDATE ledger_head SET seq = $1, hash = $8 WHERE id`,
    [row.seq, row.at, row.actor, row.kind, row.subject, row.dataJson, row.prevHash, row.hash],
  );
}
