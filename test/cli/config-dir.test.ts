import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bufferIo } from '../../src/cli/io.ts';
import { runPlaybooks } from '../../src/cli/playbooks.ts';
import { runTriage } from '../../src/cli/triage.ts';
import { runValidate } from '../../src/cli/validate.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '../..');
const BROKEN = path.join(REPO_ROOT, 'test/fixtures/triage/broken');

describe('cli/config-dir', () => {
  it('reads the config from MC_CONFIG_DIR when there is no --dir (triage, playbooks, validate)', async () => {
    const input = path.join(REPO_ROOT, 'examples/signals.json');
    const env = { MC_CONFIG_DIR: REPO_ROOT };
    const triage = bufferIo(os.tmpdir(), env);
    expect(await runTriage(['--input', input], triage.io)).toBe(0);
    expect(triage.stdout()).toContain('deploy-regression');
    const tests = bufferIo(os.tmpdir(), env);
    expect(await runPlaybooks(['test', '--run', 'crash'], tests.io)).toBe(0);
    expect(tests.stdout()).toMatch(/\d+ passed, 0 failed\n$/);
    const validate = bufferIo(os.tmpdir(), env);
    expect(await runValidate([], validate.io)).toBe(0);
  });

  it('prefers --dir to MC_CONFIG_DIR', async () => {
    const { io, stderr } = bufferIo(REPO_ROOT, { MC_CONFIG_DIR: REPO_ROOT });
    expect(await runValidate(['--dir', BROKEN], io)).toBe(1);
    expect(stderr()).toContain(BROKEN);
  });

  it('runs the README example of mc triage --input as written', async () => {
    const readme = await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const line = /npm run mc -- triage (--input \S+.*)$/m.exec(readme)?.[1];
    expect(line).toBeDefined();
    const { io, stdout, stderr } = bufferIo(REPO_ROOT);
    const code = await runTriage((line ?? '').split(/\s+/), io);
    expect(stderr()).toBe('');
    expect(code).toBe(0);
    expect(stdout()).toContain('checkout/prod');
  });
});
