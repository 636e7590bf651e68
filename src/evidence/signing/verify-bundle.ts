import { createHash } from 'node:crypto';
import { parseBundle, toSignedEntity, verifyWithKey } from './offline-verify.ts';
import { EvidenceStatement, IN_TOTO_PAYLOAD_TYPE } from './schema.ts';
import type { PublicSigningKey } from './signing-key.ts';

/** Outcome of an offline verification; `reason` says what is wrong in words. */
export type BundleVerification =
  | { ok: true; statement: EvidenceStatement; keyHint: string; digest: string }
  | { ok: false; reason: string };

function fail(reason: string): BundleVerification {
  return { ok: false, reason };
}

/**
 * Verifies an evidence bundle offline against one public key: the DSSE signature, the
 * in-toto statement, and (when given) that the document's sha256 is the signed subject digest.
 */
export function verifyEvidenceBundle(
  bundleJson: unknown,
  options: { key: PublicSigningKey; document?: Buffer },
): BundleVerification {
  const bundle = parseBundle(bundleJson);
  if (typeof bundle === 'string') return fail(bundle);
  if (bundle.content.$case !== 'dsseEnvelope') {
    return fail('the bundle holds a message signature, not a DSSE envelope');
  }
  const envelope = bundle.content.dsseEnvelope;
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    return fail(`payloadType is ${envelope.payloadType}, expected ${IN_TOTO_PAYLOAD_TYPE}`);
  }
  const material = bundle.verificationMaterial.content;
  if (material.$case !== 'publicKey') {
    return fail(`the bundle is signed with a ${material.$case}, not a public key`);
  }
  if (material.publicKey.hint !== options.key.hint) {
    return fail(
      `the bundle was signed by key ${material.publicKey.hint}, not by the given key ${options.key.hint}`,
    );
  }
  const problem = verifyWithKey(toSignedEntity(bundle), options.key.publicKey);
  if (problem !== undefined) return fail(`signature check failed: ${problem}`);
  let statement: EvidenceStatement;
  try {
    const parsed = EvidenceStatement.safeParse(JSON.parse(envelope.payload.toString('utf8')));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return fail(
        `the signed payload is not an evidence statement: ${issue?.path.join('.')} ${issue?.message}`,
      );
    }
    statement = parsed.data;
  } catch {
    return fail('the signed payload is not JSON');
  }
  const digest = statement.subject[0]!.digest.sha256;
  if (options.document) {
    const actual = createHash('sha256').update(options.document).digest('hex');
    if (actual !== digest) {
      return fail(`document sha256 ${actual} does not match the signed subject digest ${digest}`);
    }
  }
  return { ok: true, statement, keyHint: material.publicKey.hint, digest };
}
