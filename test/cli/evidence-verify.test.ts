import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEvidence } from '../../src/cli/evidence.ts';
import { bufferIo } from '../../src/cli/io.ts';
import { canonicalJson } from '../../src/evidence/ledger/canonical-entry.ts';
import {
  buildStatement,
  createKeySigner,
  signStatement,
} from '../../src/evidence/signing/sign-statement.ts';
import { loadOrCreateSigningKey } from '../../src/evidence/signing/signing-key.ts';

describe('src/cli/evidence', () => {
  let dir: string;
  const document = canonicalJson({
    id: 'ev_bbbbbbbbbbbbbbbb',
    kind: 'drill',
    body: { recoveredIn: 41 },
  });

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mc-cli-evidence-'));
    const key = await loadOrCreateSigningKey({ dataDir: path.join(dir, 'data') });
    await loadOrCreateSigningKey({ dataDir: path.join(dir, 'other') });
    const digest = createHash('sha256').update(document).digest('hex');
    const statement = buildStatement('ev_bbbbbbbbbbbbbbbb', digest, {
      kind: 'drill',
      subject: 'checkout/staging',
      summary: 'pod-kill drill recovered in 41 s',
      recordedAt: '2025-02-03T04:05:06.789Z',
      ledgerSeq: 12,
    });
    const bundle = await signStatement(createKeySigner(key), statement);
    await fs.writeFile(path.join(dir, 'bundle.json'), JSON.stringify(bundle, null, 2));
    await fs.writeFile(path.join(dir, 'doc.json'), document);
    await fs.writeFile(path.join(dir, 'doc-tampered.json'), document.replace('41', '14'));
    await fs.writeFile(path.join(dir, 'key.pem'), key.publicKeyPem);
    const tampered = JSON.parse(JSON.stringify(bundle));
    const payload = JSON.parse(Buffer.from(tampered.dsseEnvelope.payload, 'base64').toString());
    payload.predicate.summary = 'drill passed';
    tampered.dsseEnvelope.payload = Buffer.from(JSON.stringify(payload)).toString('base64');
    await fs.writeFile(path.join(dir, 'bundle-tampered.json'), JSON.stringify(tampered));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function run(...argv: string[]) {
    const out = bufferIo(dir, { MC_DATA_DIR: 'data' });
    const code = await runEvidence(argv, out.io);
    return { code, stdout: out.stdout(), stderr: out.stderr() };
  }

  it('verifies a bundle and its document with the downloaded key', async () => {
    const result = await run('verify', 'bundle.json', '--document', 'doc.json', '--key', 'key.pem');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('OK: signature valid');
    expect(result.stdout).toContain('doc.json matches the signed digest');
    expect(result.stdout).toContain('ledger seq 12');
  });

  it("uses the data directory's key when --key is absent", async () => {
    const result = await run('verify', 'bundle.json');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('document:    not checked');
  });

  it('fails on a tampered document, naming both digests', async () => {
    const result = await run('verify', 'bundle.json', '--document', 'doc-tampered.json');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^FAILED: document sha256 [0-9a-f]{64} does not match the signed subject digest/,
    );
  });

  it('fails on a tampered bundle payload', async () => {
    const result = await run('verify', 'bundle-tampered.json', '--key', 'key.pem');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('FAILED: signature check failed: signature verification failed\n');
  });

  it('fails with the wrong key', async () => {
    const result = await run('verify', 'bundle.json', '--key', 'other/signing-key.pem');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^FAILED: the bundle was signed by key [0-9a-f]{64}, not by the given key/,
    );
  });

  it('explains usage and unreadable files', async () => {
    expect((await run('verify')).code).toBe(2);
    expect((await run('verify', 'bundle.json', '--bogus')).code).toBe(2);
    expect((await run('frobnicate')).code).toBe(2);
    const missing = await run('verify', 'nope.json', '--key', 'key.pem');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('FAILED: cannot read bundle nope.json: ENOENT\n');
  });
});
