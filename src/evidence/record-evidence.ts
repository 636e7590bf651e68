import { createHash } from 'node:crypto';
import type { Db, Queryable } from '../store/db.ts';
import { newEvidenceId } from './evidence-id.ts';
import { canonicalJson } from './ledger/canonical-entry.ts';
import type { Ledger } from './ledger/create-ledger.ts';
import {
  createEvidenceReader,
  type EvidenceReader,
  type RecordedEvidence,
} from './read-evidence.ts';
import { buildStatement, createKeySigner, signStatement } from './signing/sign-statement.ts';
import type { SigningKey } from './signing/signing-key.ts';

export type { EvidenceReader, EvidenceRecord, RecordedEvidence } from './read-evidence.ts';

/** What a run, gate or drill hands over to be proven later. */
export interface EvidenceInput {
  kind: string;
  subject: string;
  summary: string;
  /** Any JSON: request, approvals, plan, before/after, metrics, outcome. */
  body: unknown;
  actor: string;
}

export interface Evidence extends EvidenceReader {
  /** Signs and stores a document and appends its ledger entry, all in one transaction. */
  record(input: EvidenceInput, options?: { tx?: Queryable }): Promise<RecordedEvidence>;
}

function requireText(name: string, value: unknown, allowEmpty = false): string {
  if (typeof value !== 'string' || (!allowEmpty && value.length === 0)) {
    throw new Error(`evidence ${name} must be a${allowEmpty ? '' : ' non-empty'} string`);
  }
  return value;
}

/**
 * Evidence records over the store, signed with the bot's key, linked under `publicUrl`.
 * `recordedAt` is the time of the ledger entry that records the evidence.
 */
export function createEvidence(options: {
  db: Db;
  ledger: Ledger;
  key: SigningKey;
  publicUrl: string;
}): Evidence {
  const { db, ledger } = options;
  const signer = createKeySigner(options.key);
  const reader = createEvidenceReader(options);

  async function recordIn(tx: Queryable, input: EvidenceInput): Promise<RecordedEvidence> {
    const id = newEvidenceId();
    const kind = requireText('kind', input.kind);
    const subject = requireText('subject', input.subject);
    const summary = requireText('summary', input.summary, true);
    const actor = requireText('actor', input.actor);
    let document = '';
    let digest = '';
    let bundle = '';
    // The document names the ledger seq that records it, so it is built once the head is locked.
    const entry = await ledger.appendWith(tx, async ({ seq, at }) => {
      const fields = { id, kind, subject, summary, actor, recordedAt: at, ledgerSeq: seq };
      document = canonicalJson({ ...fields, body: input.body });
      digest = createHash('sha256').update(document).digest('hex');
      const statement = buildStatement(id, digest, {
        kind,
        subject,
        summary,
        recordedAt: at,
        ledgerSeq: seq,
      });
      bundle = JSON.stringify(await signStatement(signer, statement));
      return { actor, kind: 'evidence.recorded', subject, data: { id, digest } };
    });
    await tx.query(
      `INSERT INTO evidence
         (id, kind, subject, summary, actor, recorded_at, document, digest, bundle, ledger_seq)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [id, kind, subject, summary, actor, entry.at, document, digest, bundle, entry.seq],
    );
    return { id, url: reader.urlFor(id), digest, ledgerSeq: entry.seq };
  }

  return {
    record: (input, recordOptions) =>
      recordOptions?.tx
        ? recordIn(recordOptions.tx, input)
        : db.transaction((tx) => recordIn(tx, input)),
    ...reader,
  };
}
