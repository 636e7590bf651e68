import { sign as signBytes } from 'node:crypto';
import type { SerializedBundle } from '@sigstore/bundle';
import type { Signer } from '@sigstore/sign';
import { canonicalJson } from '../ledger/canonical-entry.ts';
import {
  EVIDENCE_PREDICATE_TYPE,
  type EvidencePredicate,
  type EvidenceStatement,
  IN_TOTO_PAYLOAD_TYPE,
  IN_TOTO_STATEMENT_TYPE,
} from './schema.ts';
import type { SigningKey } from './signing-key.ts';

/** A sigstore Signer over the local key: ECDSA P-256 with SHA-256, DER signature. */
export function createKeySigner(key: SigningKey): Signer {
  return {
    sign: async (data) => ({
      key: { $case: 'publicKey', publicKey: key.publicKeyPem, hint: key.hint },
      signature: signBytes('sha256', data, key.privateKey),
    }),
  };
}

/** The statement whose subject is `evidence/<id>.json` with the document's sha256. */
export function buildStatement(
  id: string,
  documentDigest: string,
  predicate: EvidencePredicate,
): EvidenceStatement {
  return {
    _type: IN_TOTO_STATEMENT_TYPE,
    subject: [{ name: `evidence/${id}.json`, digest: { sha256: documentDigest } }],
    predicateType: EVIDENCE_PREDICATE_TYPE,
    predicate,
  };
}

/**
 * Signs a statement as a DSSE envelope in a standard sigstore bundle (v0.3, public-key
 * verification material, no transparency log): verifiable offline with the public key.
 */
export async function signStatement(
  signer: Signer,
  statement: EvidenceStatement,
): Promise<SerializedBundle> {
  // Loaded on the first signature, not at start-up: @sigstore/sign costs ~20 MiB and ~0.3 s.
  const [{ bundleToJSON }, { DSSEBundleBuilder }] = await Promise.all([
    import('@sigstore/bundle'),
    import('@sigstore/sign'),
  ]);
  const builder = new DSSEBundleBuilder({ signer, witnesses: [] });
  const bundle = await builder.create({
    data: Buffer.from(canonicalJson(statement)),
    type: IN_TOTO_PAYLOAD_TYPE,
  });
  return bundleToJSON(bundle);
}
