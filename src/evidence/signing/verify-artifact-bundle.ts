import { KeyObject } from 'node:crypto';
import type { Bundle } from '@sigstore/bundle';
import type { SignedEntity } from '@sigstore/verify';
import { z } from 'zod';
import { parseBundle, toSignedEntity, verifyWithKey } from './offline-verify.ts';
import { IN_TOTO_PAYLOAD_TYPE, IN_TOTO_STATEMENT_TYPE } from './schema.ts';
import { keyHint, type PublicSigningKey } from './signing-key.ts';
import { verifyPrehashedP256 } from './verify-prehashed.ts';

/** Outcome of verifying a third-party bundle for one artifact; `reason` says what is wrong. */
export type ArtifactVerification =
  | {
      ok: true;
      /** Hint of the trusted key the signature verified with. */
      keyHint: string;
      form: 'dsse' | 'message-signature';
      /** The in-toto predicate type, for a DSSE bundle. */
      predicateType?: string;
    }
  | { ok: false; reason: string };

// cosign and older SLSA tooling still write v0.1 statements; the subject shape is the same.
const STATEMENT_TYPES = [IN_TOTO_STATEMENT_TYPE, 'https://in-toto.io/Statement/v0.1'];
// HashAlgorithm.SHA2_256 of the sigstore protobuf specs.
const SHA2_256 = 1;
const DIGEST = /^sha256:([0-9a-f]{64})$/;

/** Any in-toto statement: only the subjects matter here, whatever the predicate. */
const AnyStatement = z.object({
  _type: z.string(),
  subject: z.array(
    z.object({ name: z.string().optional(), digest: z.record(z.string(), z.string()) }),
  ),
  predicateType: z.string(),
});

function fail(reason: string): ArtifactVerification {
  return { ok: false, reason };
}

function short(hex: string): string {
  return `sha256:${hex.slice(0, 12)}…`;
}

/** The entity to verify; a message signature is checked over the digest the bundle names. */
function signedEntity(bundle: Bundle): SignedEntity {
  const entity = toSignedEntity(bundle, Buffer.alloc(0));
  // Transparency-log entries and timestamps cannot be checked without the log's key (the trust
  // root is empty): only the signature by a trusted key counts, so they are left out.
  const offline = { ...entity, tlogEntries: [], timestamps: [] };
  if (bundle.content.$case !== 'messageSignature') return offline;
  const { signature, messageDigest } = bundle.content.messageSignature;
  return {
    ...offline,
    signature: {
      signature,
      compareSignature: (other) => other.equals(signature),
      compareDigest: (other) => other.equals(messageDigest.digest),
      verifySignature: (key) => verifyPrehashedP256(key, messageDigest.digest, signature),
    },
  };
}

/** Why the signed content is not about `hex`, or the statement's predicate type when it is. */
function readContent(bundle: Bundle, hex: string): string | { predicateType?: string } {
  if (bundle.content.$case === 'messageSignature') {
    const signed = bundle.content.messageSignature.messageDigest.digest.toString('hex');
    return signed === hex ? {} : `the bundle signs ${short(signed)}, not ${short(hex)}`;
  }
  const envelope = bundle.content.dsseEnvelope;
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    return `payloadType is ${envelope.payloadType}, expected ${IN_TOTO_PAYLOAD_TYPE}`;
  }
  let parsed: ReturnType<typeof AnyStatement.safeParse>;
  try {
    parsed = AnyStatement.safeParse(JSON.parse(envelope.payload.toString('utf8')));
  } catch {
    return 'the signed payload is not JSON';
  }
  if (!parsed.success || !STATEMENT_TYPES.includes(parsed.data._type)) {
    return 'the signed payload is not an in-toto statement';
  }
  const subjects = parsed.data.subject.map((s) => s.digest.sha256).filter((d) => d !== undefined);
  if (!subjects.includes(hex)) {
    const named = subjects.map(short).join(', ') || 'no sha256 subject';
    return `the signed statement is about ${named}, not ${short(hex)}`;
  }
  return { predicateType: parsed.data.predicateType };
}

/**
 * Verifies a sigstore bundle for an artifact offline against trusted public keys: a DSSE
 * envelope with an in-toto statement (any predicate) one of whose subjects is `digest`, or a
 * message signature (cosign `sign-blob --bundle`) over it. The key named by the bundle's hint is
 * tried first, then every other trusted key: cosign leaves the hint empty or sets its own.
 * Certificates (keyless signing) are not trusted here.
 */
export function verifyArtifactBundle(
  bundleJson: unknown,
  options: { digest: string; keys: PublicSigningKey[] | KeyObject[] },
): ArtifactVerification {
  const hex = DIGEST.exec(options.digest)?.[1];
  if (!hex) return fail(`${options.digest} is not a sha256:<64 hex> digest`);
  const bundle = parseBundle(bundleJson);
  if (typeof bundle === 'string') return fail(bundle);
  const material = bundle.verificationMaterial.content;
  if (material.$case !== 'publicKey') {
    return fail(`the bundle is signed with a ${material.$case} (keyless); only keys are trusted`);
  }
  if (
    bundle.content.$case === 'messageSignature' &&
    bundle.content.messageSignature.messageDigest.algorithm !== SHA2_256
  ) {
    return fail('the message digest is not SHA-256');
  }
  const keys = options.keys.map((k) =>
    k instanceof KeyObject ? { publicKey: k, hint: keyHint(k) } : k,
  );
  if (keys.length === 0) return fail('no trusted key to verify with');
  const hint = material.publicKey.hint;
  const ordered = [...keys.filter((k) => k.hint === hint), ...keys.filter((k) => k.hint !== hint)];
  let entity: SignedEntity;
  try {
    entity = signedEntity(bundle);
  } catch (error) {
    return fail(`not a valid sigstore bundle: ${(error as Error).message}`);
  }
  const signer = ordered.find((k) => verifyWithKey(entity, k.publicKey) === undefined);
  if (!signer) {
    return fail(
      `signature check failed: the signature does not verify with any of ${keys.length} trusted key(s)${hint ? ` (the bundle names key ${hint.slice(0, 16)})` : ''}`,
    );
  }
  const content = readContent(bundle, hex);
  if (typeof content === 'string') return fail(content);
  const form = bundle.content.$case === 'dsseEnvelope' ? 'dsse' : 'message-signature';
  return { ok: true, keyHint: signer.hint, form, ...content };
}
