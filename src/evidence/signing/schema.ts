import { z } from 'zod';

/** in-toto Statement v1 type URI. */
export const IN_TOTO_STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
/** Our predicate type: an evidence document of Maestro Conductor. */
export const EVIDENCE_PREDICATE_TYPE = 'https://maestro-conductor.dev/evidence/v1';
/** DSSE payloadType of an in-toto statement. */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex sha256');

/** What the signed statement says about the evidence document. */
export const EvidencePredicate = z.object({
  kind: z.string().min(1),
  subject: z.string().min(1),
  summary: z.string(),
  recordedAt: z.string().min(1),
  ledgerSeq: z.number().int().positive().optional(),
});
export type EvidencePredicate = z.infer<typeof EvidencePredicate>;

/** The in-toto Statement v1 signed in every evidence bundle. */
export const EvidenceStatement = z.object({
  _type: z.literal(IN_TOTO_STATEMENT_TYPE),
  subject: z
    .array(z.object({ name: z.string().min(1), digest: z.object({ sha256: Sha256Hex }) }))
    .length(1),
  predicateType: z.literal(EVIDENCE_PREDICATE_TYPE),
  predicate: EvidencePredicate,
});
export type EvidenceStatement = z.infer<typeof EvidenceStatement>;
