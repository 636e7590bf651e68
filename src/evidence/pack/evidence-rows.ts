/** An evidence record as the pack copies it, with the reasons it was chosen. */
export interface SelectedEvidence {
  id: string;
  kind: string;
  subject: string;
  summary: string;
  recordedAt: string;
  document: string;
  digest: string;
  bundle: string;
  ledgerSeq: number;
  why: string[];
}

/** The columns of `evidence e` a pack copies. */
export const EVIDENCE_COLUMNS =
  'e.id, e.kind, e.subject, e.summary, e.recorded_at, e.document, e.digest, e.bundle, e.ledger_seq';

/** An evidence row as both backends return it. */
export interface EvidenceRow {
  id: string;
  kind: string;
  subject: string;
  summary: string;
  recorded_at: Date | string;
  document: string;
  digest: string;
  bundle: string;
  ledger_seq: string | number;
}

/** A row as the pack copies it, with why it was chosen. */
export const toEvidence = (row: EvidenceRow, why: string[]): SelectedEvidence => ({
  id: row.id,
  kind: row.kind,
  subject: row.subject,
  summary: row.summary,
  recordedAt: new Date(row.recorded_at).toISOString(),
  document: row.document,
  digest: row.digest,
  bundle: row.bundle,
  ledgerSeq: Number(row.ledger_seq),
  why,
});
