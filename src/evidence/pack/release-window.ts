import type { Queryable } from '../../store/db.ts';
import { GATE_DECISION_EVIDENCE, releaseSubject } from '../release-subject.ts';

/** A release decision of another version of the service, bounding the window. */
export interface Neighbour {
  id: string;
  subject: string;
  ledgerSeq: number;
}

/** A release's tenure in ledger seqs: after the previous release decision, before the next. */
export interface ReleaseWindow {
  previousDecision: Neighbour | null;
  nextDecision: Neighbour | null;
  fromSeq: number;
  toSeq: number;
}

/** With no earlier release decision, the window opens this long before the first one (as the manifest's). */
const LOOKBACK_MS = 30 * 86_400_000;

async function neighbour(q: Queryable, sql: string, params: unknown[]): Promise<Neighbour | null> {
  const { rows } = await q.query<{ id: string; subject: string; ledger_seq: string | number }>(
    sql,
    params,
  );
  const row = rows[0];
  return row ? { id: row.id, subject: row.subject, ledgerSeq: Number(row.ledger_seq) } : null;
}

/**
 * The window of one release: from just after the service's last decision for another
 * version before `first` (or 30 days before `first`, as the manifest's change list looks
 * back), to just before its first decision for another version after `last` (or the head).
 */
export async function releaseWindow(
  q: Queryable,
  input: {
    service: string;
    version: string;
    first: { ledgerSeq: number; recordedAt: string };
    last: { ledgerSeq: number };
    headSeq: number;
  },
): Promise<ReleaseWindow> {
  const others = `FROM evidence WHERE kind = $1 AND left(subject, length($2)) = $2 AND subject <> $3`;
  const params = [
    GATE_DECISION_EVIDENCE,
    `release:${input.service}:`,
    releaseSubject(input.service, input.version),
  ];
  const previousDecision = await neighbour(
    q,
    `SELECT id, subject, ledger_seq ${others} AND ledger_seq < $4 ORDER BY ledger_seq DESC LIMIT 1`,
    [...params, input.first.ledgerSeq],
  );
  const nextDecision = await neighbour(
    q,
    `SELECT id, subject, ledger_seq ${others} AND ledger_seq > $4 AND ledger_seq <= $5
      ORDER BY ledger_seq LIMIT 1`,
    [...params, input.last.ledgerSeq, input.headSeq],
  );
  let fromSeq = previousDecision ? previousDecision.ledgerSeq + 1 : input.first.ledgerSeq;
  if (!previousDecision) {
    const since = new Date(Date.parse(input.first.recordedAt) - LOOKBACK_MS);
    const { rows } = await q.query<{ seq: string | number | null }>(
      'SELECT min(seq) AS seq FROM ledger_entries WHERE at >= $1',
      [since],
    );
    fromSeq = Number(rows[0]?.seq ?? fromSeq);
  }
  const toSeq = nextDecision ? nextDecision.ledgerSeq - 1 : input.headSeq;
  return { previousDecision, nextDecision, fromSeq, toSeq };
}
