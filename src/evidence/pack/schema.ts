import { z } from 'zod';

/** Format tag written into every pack.json; bump it when the layout changes. */
export const PACK_FORMAT = 'mc-evidence-pack/1';

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex sha256');
const Seq = z.number().int().positive();

/**
 * One line of ledger.jsonl: a ledger entry with its stored hash. `data` is hashed as its
 * RFC 8785 canonical JSON, exactly as the database keeps it. Unknown keys are refused: a
 * field the hash does not cover must not ride along unnoticed.
 */
export const LedgerLine = z.strictObject({
  seq: Seq,
  at: z.string(),
  actor: z.string(),
  kind: z.string(),
  subject: z.string(),
  data: z.json(),
  prevHash: Sha256Hex,
  hash: Sha256Hex,
});
export type LedgerLine = z.infer<typeof LedgerLine>;

/** Where the ledger slice of a pack starts and ends, and what it hangs from. */
export const PackLedger = z.object({
  file: z.string(),
  from: Seq,
  to: Seq,
  count: z.number().int().nonnegative(),
  /** prevHash of the first entry: the stored hash of seq `from - 1` (64 zeros for seq 1). */
  anchor: Sha256Hex,
  lastHash: Sha256Hex,
});
export type PackLedger = z.infer<typeof PackLedger>;

/** One evidence record in pack.json and why it was chosen. */
export const PackEvidence = z.object({
  id: z.string(),
  kind: z.string(),
  subject: z.string(),
  summary: z.string(),
  recordedAt: z.string(),
  ledgerSeq: Seq,
  digest: Sha256Hex,
  /** `evidence/<id>.json` and `evidence/<id>.sigstore.json`, relative to the pack. */
  file: z.string(),
  bundleFile: z.string(),
  why: z.array(z.string()),
});
export type PackEvidence = z.infer<typeof PackEvidence>;

/** pack.json: the index of an evidence pack. */
export const PackIndex = z.object({
  format: z.literal(PACK_FORMAT),
  service: z.string(),
  version: z.string(),
  createdAt: z.string(),
  decision: z.object({
    evidenceId: z.string(),
    decision: z.string(),
    headline: z.string(),
    ledgerSeq: Seq,
  }),
  key: z.object({ file: z.string(), hint: Sha256Hex }),
  ledger: PackLedger,
  selection: z.object({
    previousDecision: z.object({ id: z.string(), subject: z.string(), ledgerSeq: Seq }).nullable(),
    nextDecision: z.object({ id: z.string(), subject: z.string(), ledgerSeq: Seq }).nullable(),
    window: z.object({ fromSeq: z.number().int(), toSeq: z.number().int() }),
  }),
  evidence: z.array(PackEvidence),
  files: z.array(z.object({ path: z.string(), sha256: Sha256Hex, bytes: z.number().int() })),
});
export type PackIndex = z.infer<typeof PackIndex>;
