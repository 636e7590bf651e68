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

// The fast page: fields joined by the ASCII unit separator, rows by the record separator, in
// one text built with string_agg (no per-character JSON escaping in the database, which was
// most of verify's time) and split in JS. `at` travels as microseconds since the epoch and is
// formatted here. The page carries its row count: the database writes exactly 8n - 1
// separators, so n records of 8 fields each prove no stored text holds a separator (one more
// anywhere changes the split). Any other split fetches the page as JSON instead.
const UNIT = '\x1f';
const RECORD = '\x1e';
const PAGE_AS_TEXT = `SELECT count(*)::int AS n, string_agg(concat_ws(E'\\x1f', seq,
    (extract(epoch FROM at) * 1000000)::bigint, actor, kind, subject, data, prev_hash, hash),
    E'\\x1e' ORDER BY seq) AS page
  FROM ledger_entries WHERE seq BETWEEN $1 AND $2`;

/** The chain head as recorded in `ledger_head`: seq 0 and the genesis value when empty. */
export interface LedgerHead {
  seq: number;
  hash: string;
}

function toAt(text: string): string {
  return text.endsWith('000Z') && text.length === 27 ? `${text.slice(0, 23)}Z` : text;
}

/** `at` from microseconds since the epoch, in the form the JSON page's to_char gives. */
export function atFromMicros(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const extra = micros - ms * 1000;
  const iso = new Date(ms).toISOString();
  return extra === 0 ? iso : `${iso.slice(0, -1)}${String(extra).padStart(3, '0')}Z`;
}

function toStoredRow([seq, at, actor, kind, subject, data, prevHash, hash]: PageRow): StoredRow {
  return { seq, at, actor, kind, subject, dataJson: data, prevHash, hash };
}

async function fetchRowsAsJson(q: Queryable, from: number, to: number): Promise<StoredRow[]> {
  const result = await q.query<{ page: string }>(PAGE_AS_JSON, [from, to]);
  const rows = JSON.parse(result.rows[0]?.page ?? '[]') as PageRow[];
  return rows.map((row) => toStoredRow([row[0], toAt(row[1]), ...row.slice(2)] as PageRow));
}

/** Rows with from <= seq <= to in seq order (seqs are gapless, so at most to - from + 1). */
export async function fetchRows(q: Queryable, from: number, to: number): Promise<StoredRow[]> {
  // Both bounds come from the page, never an open range: without statistics the planner
  // would otherwise scan and sort the whole tail of the table for every page.
  const result = await q.query<{ n: number; page: string | null }>(PAGE_AS_TEXT, [from, to]);
  const head = result.rows[0];
  if (!head || head.page === null) return [];
  const records = head.page.split(RECORD);
  if (records.length !== head.n) return fetchRowsAsJson(q, from, to);
  const rows = new Array<StoredRow>(records.length);
  for (let i = 0; i < records.length; i++) {
    const f = records[i]!.split(UNIT);
    if (f.length !== 8) return fetchRowsAsJson(q, from, to);
    rows[i] = {
      seq: Number(f[0]),
      at: atFromMicros(Number(f[1])),
      actor: f[2]!,
      kind: f[3]!,
      subject: f[4]!,
      dataJson: f[5]!,
      prevHash: f[6]!,
      hash: f[7]!,
    };
  }
  return rows;
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

/**
 * Writes a new entry only if the head is still the entry's predecessor, moving the head in
 * the same statement (one autocommitted round trip, no lock held between statements).
 * Returns false when the head had moved: the caller's idea of the head was stale.
 */
export async function insertIfHead(q: Queryable, row: StoredRow): Promise<boolean> {
  const result = await q.query(
    `WITH moved AS (
       UPDATE ledger_head SET seq = $1::bigint, hash = $8::text
       WHERE id AND seq = $1::bigint - 1 AND hash = $7::text
       RETURNING seq
     )
     INSERT INTO ledger_entries (seq, at, actor, kind, subject, data, prev_hash, hash)
     SELECT $1::bigint, $2::timestamptz, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text
     FROM moved`,
    [row.seq, row.at, row.actor, row.kind, row.subject, row.dataJson, row.prevHash, row.hash],
  );
  return result.rowCount === 1;
}
