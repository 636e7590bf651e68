import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../telemetry/logger.ts';

/** The bot's ECDSA P-256 key and how bundles name it. */
export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SPKI PEM, served at /evidence/keys. */
  publicKeyPem: string;
  /** sha256 of the SPKI DER, hex: the bundle's keyid and publicKey.hint. */
  hint: string;
  /** Where the private key lives. */
  path: string;
  /** True when this call generated the key. */
  created: boolean;
}

/** Public half only: what verification needs. */
export interface PublicSigningKey {
  publicKey: KeyObject;
  publicKeyPem: string;
  hint: string;
}

/** File name of the generated key inside the data directory. */
export const GENERATED_KEY_FILE = 'signing-key.pem';

/** Hint of a public key: sha256 of its SPKI DER encoding, lowercase hex. */
export function keyHint(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ format: 'der', type: 'spki' }))
    .digest('hex');
}

function describePublicKey(publicKey: KeyObject): PublicSigningKey {
  if (
    publicKey.asymmetricKeyType !== 'ec' ||
    publicKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1'
  ) {
    throw new Error('the signing key must be an ECDSA P-256 (prime256v1) key');
  }
  return {
    publicKey,
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    hint: keyHint(publicKey),
  };
}

/** Reads a public key from PEM text: an SPKI public key, or a private key whose public half is used. */
export function publicKeyFromPem(pem: string): PublicSigningKey {
  let key: KeyObject;
  try {
    key = pem.includes('PRIVATE KEY')
      ? createPublicKey(createPrivateKey(pem))
      : createPublicKey(pem);
  } catch (error) {
    throw new Error(`not a PEM public or private key: ${(error as Error).message}`);
  }
  return describePublicKey(key);
}

async function checkMode(file: string): Promise<void> {
  const stat = await fs.stat(file);
  if ((stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
    throw new Error(
      `signing key ${file} has mode ${mode}: other users can read or replace it. Run \`chmod 600 ${file}\` (Kubernetes: set the secret volume's defaultMode to 0400).`,
    );
  }
}

async function readKey(file: string, created: boolean): Promise<SigningKey> {
  await checkMode(file);
  const pem = await fs.readFile(file, 'utf8');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (error) {
    throw new Error(`signing key ${file} is not a PEM private key: ${(error as Error).message}`);
  }
  const publicKey = createPublicKey(privateKey);
  try {
    return { privateKey, ...describePublicKey(publicKey), path: file, created };
  } catch (error) {
    throw new Error(`signing key ${file}: ${(error as Error).message}`);
  }
}

// Written under a temporary name then hard-linked into place: two processes starting at once
// both end up with the same key, and a crash never leaves a half-written key file.
async function generateKey(file: string): Promise<boolean> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await fs.writeFile(temp, pem, { mode: 0o600, flag: 'wx' });
  try {
    await fs.chmod(temp, 0o600);
    await fs.link(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await fs.rm(temp, { force: true });
  }
}

/**
 * Loads the key named by MC_SIGNING_KEY (`keyPath`, PKCS#8 P-256 PEM) or, when unset, the one
 * in the data directory, generating it there (mode 0600) on first start. Refuses a key file
 * that group or others can read or write.
 */
export async function loadOrCreateSigningKey(options: {
  keyPath?: string;
  dataDir: string;
  log?: Logger;
}): Promise<SigningKey> {
  if (options.keyPath) {
    const file = path.resolve(options.keyPath);
    try {
      await fs.access(file);
    } catch {
      throw new Error(`MC_SIGNING_KEY points to ${file}, which does not exist or is not readable`);
    }
    return readKey(file, false);
  }
  const file = path.join(path.resolve(options.dataDir), GENERATED_KEY_FILE);
  let created = false;
  try {
    await fs.access(file);
  } catch {
    await fs.mkdir(path.dirname(file), { recursive: true });
    created = await generateKey(file);
  }
  const key = await readKey(file, created);
  if (created) {
    options.log?.info({ path: file, keyid: key.hint }, 'generated a new evidence signing key');
  }
  return key;
}

/** Reads the public half from a PEM file (public or private key), for verification only. */
export async function readPublicKeyFile(file: string): Promise<PublicSigningKey> {
  let pem: string;
  try {
    pem = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new Error(
      `cannot read key ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  try {
    return publicKeyFromPem(pem);
  } catch (error) {
    throw new Error(`key ${file}: ${(error as Error).message}`);
  }
}

/** Where the key lives for a given environment: MC_SIGNING_KEY, else `<MC_DATA_DIR>/signing-key.pem`. */
export function signingKeyLocation(
  env: Record<string, string | undefined>,
  cwd: string,
): {
  keyPath?: string;
  dataDir: string;
  file: string;
} {
  const dataDir = path.resolve(cwd, env.MC_DATA_DIR || './data');
  const keyPath = env.MC_SIGNING_KEY ? path.resolve(cwd, env.MC_SIGNING_KEY) : undefined;
  return {
    ...(keyPath ? { keyPath } : {}),
    dataDir,
    file: keyPath ?? path.join(dataDir, GENERATED_KEY_FILE),
  };
}
