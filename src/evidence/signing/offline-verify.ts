import type { KeyObject } from 'node:crypto';
import { type Bundle, bundleFromJSON } from '@sigstore/bundle';
import { type SignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';

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
  try {
    return bundleFromJSON(json);
  } catch (error) {
    const fields = (error as { fields?: string[] }).fields;
    return `not a valid sigstore bundle: ${(error as Error).message}${fields?.length ? ` (${fields.join(', ')})` : ''}`;
  }
}

/**
 * Verifies a signed entity offline against one public key, whatever hint the bundle names, with
 * no transparency log, certificate or timestamp required. Returns the verifier's reason when it
 * does not verify, undefined when it does.
 */
export function verifyWithKey(entity: SignedEntity, publicKey: KeyObject): string | undefined {
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
