import type { Db, Queryable } from '../store/db.ts';
import type { Ledger } from './ledger/create-ledger.ts';
import { type ExportedPack, exportEvidencePack } from './pack/export-pack.ts';
import { createEvidenceReader, type EvidenceReader } from './read-evidence.ts';
import { createEvidence, type Evidence } from './record-evidence.ts';
import type { PublicSigningKey, SigningKey } from './signing/signing-key.ts';
import { type BundleVerification, verifyEvidenceBundle } from './signing/verify-bundle.ts';

// The rest of the code reaches evidence through this file (layering rule 6).
export { assertEmptyOutDir, NoGateDecision, OutDirNotEmpty } from './pack/export-pack.ts';
export type {
  Evidence,
  EvidenceInput,
  EvidenceRecord,
  RecordedEvidence,
} from './record-evidence.ts';

/** Checks evidence offline against the bot's public key: no database, no private key. */
export interface EvidenceChecker {
  /** The key every bundle is checked against (served at /evidence/keys, written in packs). */
  publicKey: PublicSigningKey;
  /** The bundle's signature and statement, and with `document` that it is the one signed. */
  verify(bundleJson: unknown, document?: Buffer): BundleVerification;
}

/** Evidence as auditors reach it: read a record, check a bundle, export a release's pack. */
export interface EvidenceArchive extends EvidenceReader, EvidenceChecker {
  /** Writes one release's evidence pack into `outDir` (new or empty), checked as written. */
  exportPack(release: { service: string; version: string; outDir: string }): Promise<ExportedPack>;
}

/** The one home of evidence: record, read, verify, export. The bot builds it once. */
export interface EvidenceService extends Evidence, EvidenceArchive {}

/** The offline checker for `key` (`mc evidence verify`). */
export function createEvidenceChecker(key: PublicSigningKey): EvidenceChecker {
  const publicKey = { publicKey: key.publicKey, publicKeyPem: key.publicKeyPem, hint: key.hint };
  return {
    publicKey,
    verify: (bundleJson, document) =>
      verifyEvidenceBundle(bundleJson, { key: publicKey, ...(document ? { document } : {}) }),
  };
}

/** Evidence over a store without the private key (`mc evidence pack`, the evidence pages). */
export function openEvidenceArchive(options: {
  db: Queryable;
  key: PublicSigningKey;
  /** Where the bot serves its pages and key; absent in a CLI without MC_PUBLIC_URL. */
  publicUrl?: string | undefined;
  clock?: () => Date;
}): EvidenceArchive {
  const checker = createEvidenceChecker(options.key);
  const reader = createEvidenceReader({ db: options.db, publicUrl: options.publicUrl ?? '' });
  return {
    ...reader,
    ...checker,
    exportPack: (release) =>
      exportEvidencePack({
        db: options.db,
        key: checker.publicKey,
        ...release,
        ...(options.clock ? { clock: options.clock } : {}),
        ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
      }),
  };
}

/** The bot's evidence: records signed with `key`, each appended to `ledger`, over `db`. */
export function createEvidenceService(options: {
  db: Db;
  ledger: Ledger;
  key: SigningKey;
  publicUrl: string;
  clock?: () => Date;
}): EvidenceService {
  const { record } = createEvidence(options);
  return { ...openEvidenceArchive(options), record };
}
