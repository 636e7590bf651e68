import type { KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Bundle } from '@sigstore/bundle';
import type { SignedEntity, toTrustMaterial } from '@sigstore/verify';

// sigstore's packages are CommonJS: required on first use (verification keeps its synchronous
// signature) rather than at start-up, where the bot rarely verifies anything.
const require = createRequire(import.meta.url);
type SigstoreVerify = typeof import('@sigstore/verify');
type SigstoreBundle = typeof import('@sigstore/bundle');

// A trust root with no CAs, logs or timestamp authorities: only the given public key is trusted.
const EMPTY_TRUSTED_ROOT: Parameters<typeof toTrustMaterial>[0] = {
  mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
  tlogs: [],
  certificateAuthorities: [],
  ctlogs: [],
  timestampAuthorities: [],
};

/** A sigstore bundle from its JSON, or what is wrong with it in words. */
export function parseBundle(json: unknown): Bundle | string {
  const { bundleFromJSON } = require('@sigstore/bundle') as SigstoreBundle;
  try {
    return bundleFromJSON(json);
  } catch (error) {
    const fields = (error as { fields?: string[] }).fields;
    return `not a valid sigstore bundle: ${(error as Error).message}${fields?.length ? ` (${fields.join(', ')})` : ''}`;
  }
}

/** sigstore's signed entity for a bundle (see toSignedEntity in @sigstore/verify). */
export function toSignedEntity(bundle: Bundle, artifact?: Buffer): SignedEntity {
  return (require('@sigstore/verify') as SigstoreVerify).toSignedEntity(bundle, artifact);
}

/**
 * Verifies a signed entity offline against one public key, whatever hint the bundle names, with
 * no transparency log, certificate or timestamp required. Returns the verifier's reason when it
 * does not verify, undefined when it does.
 */
export function verifyWithKey(entity: SignedEntity, publicKey: KeyObject): string | undefined {
  const { toTrustMaterial, Verifier } = require('@sigstore/verify') as SigstoreVerify;
  const trust = toTrustMaterial(EMPTY_TRUSTED_ROOT, () => ({ publicKey, validFor: () => true }));
  const verifier = new Verifier(trust, {
    tlogThreshold: 0,
    ctlogThreshold: 0,
    timestampThreshold: 0,
  });
  try {
    verifier.verify(entity);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
