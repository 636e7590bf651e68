import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bufferIo } from '../../src/cli/io.ts';
import { runValidate } from '../../src/cli/validate.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '../..');
const FIXTURES = path.resolve(HERE, '../fixtures/config');

describe('cli/validate', () => {
  it('prints a one-line summary and exits 0 for the repository config', async () => {
    const { io, stdout, stderr } = bufferIo(REPO_ROOT);
    expect(await runValidate([], io)).toBe(0);
    expect(stdout()).toMatch(
      /^OK: 8 commands, 3 services, 2 environments, 5 roles, \d+ playbook files?\n$/,
    );
    expect(stderr()).toBe('');
  });

  it('lists every problem in every file as file: path: message and exits 1', async () => {
    const { io, stdout, stderr } = bufferIo(REPO_ROOT);
    expect(await runValidate(['--dir', 'test/fixtures/config/broken'], io)).toBe(1);
    const lines = stderr().trimEnd().split('\n');
    expect(lines).toHaveLength(17);
    expect(lines).toEqual(
      expect.arrayContaining([
        'catalog.yml: services.checkout.environments.prd: unknown environment "prd"; known: staging, prod. Did you mean "prod"? (line 34)',
        'catalog.yml: services.checkout.dependencies.0: unknown service "paymnts"; known: checkout, payments. Did you mean "payments"? (line 26)',
        'commands/deploy.yml: policy.environments.prod.approvals.roles.0: unknown role "sre-leads"; known: sre-lead, release-manager. Did you mean "sre-lead"? (line 28)',
        'commands/rolback.yml: verb: is "rollback" but the file is named rolback.yml; rename the file to rollback.yml (line 1)',
        'commands/status.yml: (syntax): Missing closing "quote (line 7, column 1)',
        'playbooks/triage/crashloop.yml: (syntax): Flow sequence in block collection must be sufficiently indented and end with a ] (line 6, column 1)',
      ]),
    );
    expect(lines.at(-1)).toBe(`16 problems in ${path.join(FIXTURES, 'broken')}`);
    expect(stdout()).toBe('');
  });

  it('uses the current directory when --dir is absent', async () => {
    const { io, stderr } = bufferIo(path.join(FIXTURES, 'missing'));
    expect(await runValidate([], io)).toBe(1);
    expect(stderr()).toContain(
      'catalog.yml: (file): file not found\ncommands/: (file): directory not found\n',
    );
  });

  it('accepts --dir=DIR', async () => {
    const { io, stdout } = bufferIo('/');
    expect(await runValidate([`--dir=${REPO_ROOT}`], io)).toBe(0);
    expect(stdout()).toMatch(/^OK: 8 commands/);
  });

  it('exits 2 with the usage on an unknown option', async () => {
    const { io, stderr } = bufferIo(REPO_ROOT);
    expect(await runValidate(['--strict'], io)).toBe(2);
    expect(stderr()).toContain("Unknown option '--strict'");
    expect(stderr()).toContain('Usage: mc validate [--dir DIR]');
  });
});
