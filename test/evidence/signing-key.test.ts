import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  GENERATED_KEY_FILE,
  loadOrCreateSigningKey,
  publicKeyFromPem,
  readPublicKeyFile,
} from '../../src/evidence/signing/signing-key.ts';

describe('src/evidence/signing/signing-key', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mc-key-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('generates a P-256 PKCS#8 key with mode 0600 on first start, then reuses it', async () => {
    const dataDir = path.join(dir, 'data');
    const first = await loadOrCreateSigningKey({ dataDir });
    const file = path.join(dataDir, GENERATED_KEY_FILE);
    expect(first.created).toBe(true);
    expect(first.path).toBe(file);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    const pem = await fs.readFile(file, 'utf8');
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(first.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const second = await loadOrCreateSigningKey({ dataDir });
    expect(second.created).toBe(false);
    expect(second.hint).toBe(first.hint);
    expect((await fs.readdir(dataDir)).sort()).toEqual([GENERATED_KEY_FILE]);
  });

  it('uses sha256 of the SPKI DER as the hint', async () => {
    const key = await loadOrCreateSigningKey({ dataDir: dir });
    const der = key.publicKey.export({ format: 'der', type: 'spki' });
    expect(key.hint).toBe(createHash('sha256').update(der).digest('hex'));
    expect(publicKeyFromPem(key.publicKeyPem).hint).toBe(key.hint);
    expect((await readPublicKeyFile(key.path)).hint).toBe(key.hint);
  });

  it('concurrent first starts end up with one key', async () => {
    const keys = await Promise.all(
      Array.from({ length: 8 }, () => loadOrCreateSigningKey({ dataDir: dir })),
    );
    expect(new Set(keys.map((k) => k.hint)).size).toBe(1);
    expect(keys.filter((k) => k.created)).toHaveLength(1);
  });

  it.each(['0640', '0604', '0660'])('refuses an existing key file with mode %s', async (mode) => {
    const key = await loadOrCreateSigningKey({ dataDir: dir });
    await fs.chmod(key.path, Number.parseInt(mode, 8));
    await expect(loadOrCreateSigningKey({ dataDir: dir })).rejects.toThrow(/chmod 600/);
  });

  it('loads MC_SIGNING_KEY from its path and never generates there', async () => {
    const made = await loadOrCreateSigningKey({ dataDir: path.join(dir, 'a') });
    const loaded = await loadOrCreateSigningKey({
      keyPath: made.path,
      dataDir: path.join(dir, 'b'),
    });
    expect(loaded.hint).toBe(made.hint);
    await expect(fs.access(path.join(dir, 'b'))).rejects.toThrow();
    await expect(
      loadOrCreateSigningKey({ keyPath: path.join(dir, 'missing.pem'), dataDir: dir }),
    ).rejects.toThrow(/MC_SIGNING_KEY points to .*missing\.pem/);
  });

  it('refuses a key that is not ECDSA P-256', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { privateKey } = generateKeyPairSync('ed25519');
    const file = path.join(dir, 'ed.pem');
    await fs.writeFile(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    await expect(loadOrCreateSigningKey({ keyPath: file, dataDir: dir })).rejects.toThrow(/P-256/);
  });
});
