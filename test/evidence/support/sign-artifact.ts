import { createHash } from 'node:crypto';
import { bundleToJSON, type SerializedBundle } from '@sigstore/bundle';
import { DSSEBundleBuilder, MessageSignatureBundleBuilder } from '@sigstore/sign';
import {
  IN_TOTO_PAYLOAD_TYPE,
  IN_TOTO_STATEMENT_TYPE,
} from '../../../src/evidence/signing/schema.ts';
import { createKeySigner } from '../../../src/evidence/signing/sign-statement.ts';
import type { SigningKey } from '../../../src/evidence/signing/signing-key.ts';

/** The serialized bundle fields tests read and tamper with. */
export interface BundleJson {
  verificationMaterial: { publicKey: { hint: string } };
  dsseEnvelope?: { payload: string; signatures: [{ sig: string; keyid: string }] };
  messageSignature?: { messageDigest: { algorithm: string; digest: string }; signature: string };
}

/** An image manifest as a registry serves it, and its digest (`sha256:<hex>`, hex). */
export function fakeManifest(name: string): { bytes: Buffer; digest: string; hex: string } {
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { digest: `sha256:${createHash('sha256').update(name).digest('hex')}` },
      layers: [],
    }),
  );
  const hex = createHash('sha256').update(bytes).digest('hex');
  return { bytes, digest: `sha256:${hex}`, hex };
}

/**
 * A DSSE bundle of an in-toto v1 SLSA provenance statement whose subject is `hex`, as
 * `cosign attest-blob --new-bundle-format` or a SLSA builder writes it.
 */
export async function signProvenance(key: SigningKey, hex: string): Promise<BundleJson> {
  const statement = {
    _type: IN_TOTO_STATEMENT_TYPE,
    subject: [{ name: 'registry.acme.test/shop/checkout', digest: { sha256: hex } }],
    predicateType: 'https://slsa.dev/provenance/v1',
    predicate: { buildDefinition: { buildType: 'https://acme.test/ci@v1' }, runDetails: {} },
  };
  const builder = new DSSEBundleBuilder({ signer: createKeySigner(key), witnesses: [] });
  const bundle = await builder.create({
    data: Buffer.from(JSON.stringify(statement)),
    type: IN_TOTO_PAYLOAD_TYPE,
  });
  return asJson(bundleToJSON(bundle));
}

/** A message-signature bundle over `bytes`, as `cosign sign-blob --new-bundle-format` writes it. */
export async function signBlob(key: SigningKey, bytes: Buffer): Promise<BundleJson> {
  const builder = new MessageSignatureBundleBuilder({
    signer: createKeySigner(key),
    witnesses: [],
  });
  return asJson(bundleToJSON(await builder.create({ data: bytes })));
}

function asJson(bundle: SerializedBundle): BundleJson {
  return JSON.parse(JSON.stringify(bundle)) as BundleJson;
}

/** Flips the last bit of a base64 field. */
export function flipBase64(value: string): string {
  const bytes = Buffer.from(value, 'base64');
  bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x01;
  return bytes.toString('base64');
}
