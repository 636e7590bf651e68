import type { Db, Queryable } from '../../store/db.ts';
import type { Evidence, EvidenceReader, RecordedEvidence } from '../record-evidence.ts';
import type { PublicSigningKey } from '../signing/signing-key.ts';
import { verifyEvidenceBundle } from '../signing/verify-bundle.ts';
import type { Ledger } from './create-ledger.ts';
import { ledgerMerkleRoot } from './merkle.ts';

/** Merkle root over one UTC day's entry hashes, in seq order. */
export interface DailyRoot {
  day: string;
  root: string;
  count: number;
  firstSeq: number | null;
  lastSeq: number | null;
}

/** How the tree is built, written into every root's evidence document. */
export const TREE_DESCRIPTION =
  'RFC 6962: leaf = sha256(0x00 || entry hash bytes), node = sha256(0x01 || left || right), odd node promoted; entries of the UTC day in seq order; no entries = sha256("")';

/** Parses `YYYY-MM-DD` into the UTC bounds of that day; throws with a fix on bad input. */
export function dayBounds(day: string): { start: string; end: string } {
  const start = new Date(`${day}T00:00:00.000Z`);
  if (
    !/^\d{4}-\d\d-\d\d$/.test(day) ||
    Number.isNaN(start.getTime()) ||
    start.toISOString().slice(0, 10) !== day
  ) {
    throw new Error(`--date must be a calendar day as YYYY-MM-DD (UTC), got "${day}"`);
  }
  const end = new Date(start.getTime() + 86_400_000);
  return { start: start.toISOString(), end: end.toISOString() };
}

/** Computes the root of a day from the stored entry hashes, reading in pages. */
export async function computeDailyRoot(
  q: Queryable,
  day: string,
  pageSize = 10_000,
): Promise<DailyRoot> {
  const { start, end } = dayBounds(day);
  const hashes: string[] = [];
  const seqs: number[] = [];
  let after = 0;
  for (;;) {
    const page = await q.query<{ seq: string | number; hash: string }>(
      `SELECT seq, hash FROM ledger_entries WHERE at >= $1 AND at < $2 AND seq > $3 ORDER BY seq LIMIT $4`,
      [start, end, after, pageSize],
    );
    for (const row of page.rows) {
      seqs.push(Number(row.seq));
      hashes.push(row.hash);
    }
    if (page.rows.length < pageSize) break;
    after = seqs[seqs.length - 1]!;
  }
  return {
    day,
    root: ledgerMerkleRoot(hashes),
    count: hashes.length,
    firstSeq: seqs[0] ?? null,
    lastSeq: seqs[seqs.length - 1] ?? null,
  };
}

/** A root as stored in ledger_roots, with the evidence record that signs it. */
export interface StoredRoot extends DailyRoot {
  evidenceId: string;
}

/** The stored root of a day, or null. */
export async function readStoredRoot(q: Queryable, day: string): Promise<StoredRoot | null> {
  dayBounds(day);
  const result = await q.query<{
    root: string;
    entry_count: number;
    first_seq: string | number | null;
    last_seq: string | number | null;
    evidence_id: string;
  }>(
    'SELECT root, entry_count, first_seq, last_seq, evidence_id FROM ledger_roots WHERE day = $1',
    [day],
  );
  const row = result.rows[0];
  if (!row) return null;
  return {
    day,
    root: row.root,
    count: Number(row.entry_count),
    firstSeq: row.first_seq === null ? null : Number(row.first_seq),
    lastSeq: row.last_seq === null ? null : Number(row.last_seq),
    evidenceId: row.evidence_id,
  };
}

function alreadyRecorded(stored: StoredRoot): Error {
  return new Error(
    `the root of ${stored.day} is already recorded (${stored.root}, evidence ${stored.evidenceId}); check it with --verify`,
  );
}

/**
 * Computes, stores and signs the root of a finished UTC day (one transaction: the root row,
 * its evidence record and that record's ledger entry). The day's entries are verified first.
 */
export async function recordDailyRoot(options: {
  db: Db;
  ledger: Ledger;
  evidence: Evidence;
  day: string;
  actor: string;
  now: Date;
}): Promise<{ root: DailyRoot; evidence: RecordedEvidence }> {
  const { db, day } = options;
  const { end } = dayBounds(day);
  if (end > options.now.toISOString()) {
    throw new Error(`${day} is not over yet (UTC): its root can be computed from ${end}`);
  }
  const already = () => readStoredRoot(db, day);
  const existing = await already();
  if (existing) throw alreadyRecorded(existing);
  const root = await computeDailyRoot(db, day);
  if (root.firstSeq !== null && root.lastSeq !== null) {
    const report = await options.ledger.verify({ from: root.firstSeq, to: root.lastSeq });
    if (!report.ok)
      throw new Error(`the ledger is broken, no root recorded: ${report.problem?.message}`);
  }
  const recorded = await db
    .transaction(async (tx) => {
      const ev = await options.evidence.record(
        {
          kind: 'ledger.root',
          subject: `ledger/${day}`,
          summary: `Merkle root of ${root.count} ledger entries on ${day} (UTC)`,
          actor: options.actor,
          body: { ...root, tree: TREE_DESCRIPTION },
        },
        { tx },
      );
      await tx.query(
        `INSERT INTO ledger_roots (day, root, entry_count, first_seq, last_seq, evidence_id, computed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [day, root.root, root.count, root.firstSeq, root.lastSeq, ev.id, options.now.toISOString()],
      );
      return ev;
    })
    .catch(async (error: unknown) => {
      // Another process recorded the same day meanwhile: the primary key kept one root.
      const winner = await already();
      throw winner ? alreadyRecorded(winner) : error;
    });
  return { root, evidence: recorded };
}

/**
 * Recomputes a stored root, checks the chain over the day's entries, and checks the root's
 * signed evidence; lists every problem.
 */
export async function verifyDailyRoot(options: {
  db: Db;
  ledger: Ledger;
  evidence: EvidenceReader;
  key: PublicSigningKey;
  day: string;
}): Promise<{ stored: StoredRoot | null; computed: DailyRoot; problems: string[] }> {
  const computed = await computeDailyRoot(options.db, options.day);
  const stored = await readStoredRoot(options.db, options.day);
  if (!stored) return { stored, computed, problems: [`no root is stored for ${options.day}`] };
  const problems: string[] = [];
  if (stored.root !== computed.root || stored.count !== computed.count) {
    problems.push(
      `stored root ${stored.root} (${stored.count} entries) differs from the recomputed ${computed.root} (${computed.count} entries)`,
    );
  }
  if (stored.firstSeq !== null && stored.lastSeq !== null) {
    const chain = await options.ledger.verify({ from: stored.firstSeq, to: stored.lastSeq });
    if (chain.problem) problems.push(`the day's entries are broken: ${chain.problem.message}`);
  }
  const record = await options.evidence.get(stored.evidenceId);
  if (!record)
    return {
      stored,
      computed,
      problems: [...problems, `evidence ${stored.evidenceId} is missing`],
    };
  const check = verifyEvidenceBundle(JSON.parse(record.bundle), {
    key: options.key,
    document: Buffer.from(record.document),
  });
  if (!check.ok) problems.push(`evidence ${record.id}: ${check.reason}`);
  const signed = (JSON.parse(record.document) as { body?: Partial<DailyRoot> }).body;
  if (signed?.root !== stored.root || signed?.day !== options.day) {
    problems.push(
      `the signed document of ${record.id} holds root ${signed?.root}, not the stored ${stored.root}`,
    );
  }
  return { stored, computed, problems };
}
