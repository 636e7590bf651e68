import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { formatConfigErrors, loadConfig } from '../../src/config/load-config.ts';
import { freezeDecision } from '../../src/domain/deploys/freeze.ts';
import type { Requirements } from '../../src/domain/policy/index.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const temps: string[] = [];
afterAll(async () => {
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** The repo's catalog and commands in a temp dir, the catalog edited by `edit`. */
async function withCatalog(edit: (text: string) => string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mc-freeze-roles-'));
  temps.push(dir);
  await cp(path.join(REPO_ROOT, 'commands'), path.join(dir, 'commands'), { recursive: true });
  const catalog = await readFile(path.join(REPO_ROOT, 'catalog.yml'), 'utf8');
  await writeFile(path.join(dir, 'catalog.yml'), edit(catalog));
  return dir;
}

const BASE: Requirements = {
  command: 'deploy',
  env: 'prod',
  protected: true,
  approvals: { count: 1, roles: ['sre-lead', 'release-manager'] },
  reasonRequired: true,
  selfApproval: false,
  approvalTtlMs: 1_800_000,
};

describe('catalog freezeOverrideRoles', () => {
  it('the repository catalog lets sre-lead override the prod freeze', async () => {
    const result = await loadConfig(REPO_ROOT);
    expect(result.ok).toBe(true);
    if (result.ok)
      expect(result.config.catalog.environments.prod?.freezeOverrideRoles).toEqual(['sre-lead']);
  });

  it('an unknown role is a config error naming the file, the path and the known roles', async () => {
    const dir = await withCatalog((text) =>
      text.replace('freezeOverrideRoles: [sre-lead]', 'freezeOverrideRoles: [sre-led]'),
    );
    const result = await loadConfig(dir);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toContainEqual(
      expect.objectContaining({
        file: 'catalog.yml',
        path: 'environments.prod.freezeOverrideRoles.0',
        message: expect.stringContaining('unknown role "sre-led"'),
      }),
    );
    expect(formatConfigErrors(result.errors)).toContain('Did you mean "sre-lead"?');
  });

  it('only an approver holding an override role, not the requester, overrides the freeze', () => {
    const now = new Date('2026-12-24T12:00:00Z');
    const catalog = {
      environments: {
        prod: {
          description: 'p',
          protected: true,
          freeze: [
            { start: '2026-12-21T00:00:00Z', end: '2027-01-04T08:00:00Z', reason: 'Year end' },
          ],
          freezeOverrideRoles: ['sre-lead'],
        },
      },
    };
    const input = {
      catalog,
      env: 'prod',
      now,
      kind: 'deploy' as const,
      overrideRoles: ['sre-lead'],
      requirements: BASE,
      requester: 'U0ONCALL01',
      override: { reason: 'hotfix PAY-1234' },
    };
    const asked = freezeDecision(input);
    expect(asked.kind).toBe('needs_override');
    if (asked.kind === 'needs_override') {
      // The run is requested under these: a release manager's approval does not count.
      expect(asked.requirements.approvals).toEqual({ count: 1, roles: ['sre-lead'] });
      expect(asked.requirements.selfApproval).toBe(false);
    }
    const at = now;
    const byManager = freezeDecision({
      ...input,
      approvals: [{ userId: 'U0RELMGR01', role: 'release-manager', at, planHash: 'h' }],
    } as Parameters<typeof freezeDecision>[0]);
    expect(byManager.kind).toBe('needs_override');
    const byLead = freezeDecision({
      ...input,
      approvals: [{ userId: 'U0SRELEAD1', role: 'sre-lead', at, planHash: 'h' }],
    } as Parameters<typeof freezeDecision>[0]);
    expect(byLead).toMatchObject({ kind: 'overridden', reason: 'hotfix PAY-1234' });
    expect(freezeDecision({ ...input, overrideRoles: [] }).kind).toBe('refused');
  });
});
