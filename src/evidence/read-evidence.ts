import type { Queryable } from '../store/db.ts';
import { isEvidenceId } from './evidence-id.ts';

/** Where the evidence lives and how the ledger records it. */
export interface RecordedEvidence {
  id: string;
  url: string;
  /** sha256 hex of the document bytes: the signed subject digest. */
  digest: string;
  ledgerSeq: number;
}

/** A stored evidence record. */
export interface EvidenceRecord extends RecordedEvidence {
  kind: string;
  subject: string;
  summary: string;
  actor: string;
  recordedAt: string;
  /** Canonical JSON document, byte for byte what was signed. */
  document: string;
  /** sigstore bundle JSON text. */
  bundle: string;
}

/** Read side of evidence: what the pages and auditors' checks need (no signing key). */
export interface EvidenceReader {
  get(id: string): Promise<EvidenceRecord | null>;
  /** The bundle JSON text, or null for an unknown id. */
  bundle(id: string): Promise<string | null>;
  /** Link to the human-readable page. */
  urlFor(id: string): string;
}

interface EvidenceRow {
  id: string;
  kind: string;
  subject: string;
  summary: string;
  actor: string;
  recorded_at: Date | string;
  document: string;
  digest: string;
  bundle: string;
  ledger_seq: string | number;
}

/** Reads evidence records; malformed ids are refused before any query. */
export function createEvidenceReader(options: {
  db: Queryable;
  publicUrl: string;
}): EvidenceReader {
  const { db } = options;
  const base = options.publicUrl.replace(/\/+$/, '');
  const urlFor = (id: string) => `${base}/evidence/${id}`;

  return {
    async get(id) {
      if (!isEvidenceId(id)) return null;
      const result = await db.query<EvidenceRow>(
        `SELECT id, kind, subject, summary, actor, recorded_at, document, digest, bundle, ledger_seq
         FROM evidence WHERE id = $1`,
        [id],
      );
      const row = result.rows[0];
      if (!row) return null;
      return {
        id: row.id,
        url: urlFor(row.id),
        kind: row.kind,
        subject: row.subject,
        summary: row.summary,
        actor: row.actor,
        recordedAt: new Date(row.recorded_at).toISOString(),
        document: row.document,
        digest: row.digest,
        bundle: row.bundle,
        ledgerSeq: Number(row.ledger_seq),
      };
    },
    async bundle(id) {
      if (!isEvidenceId(id)) return null;
      const result = await db.query<{ bundle: string }>(
        'SELECT bundle FROM evidence WHERE id = $1',
        [id],
      );
      return result.rows[0]?.bundle ?? null;
    },
    urlFor,
  };
}
