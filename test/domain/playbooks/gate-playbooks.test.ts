import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SIGNOFF_ROLE_MAX } from '../../../src/domain/playbooks/check-gate.ts';
import {
  checkPlaybooks,
  type PlaybookSource,
} from '../../../src/domain/playbooks/check-playbooks.ts';
import { REPO_ROOT } from '../../support/slack.ts';
import { CATALOG } from '../triage/world.ts';

const NO_ACTIONS = { names: () => [], validateParams: () => ({ ok: true as const }) };
const DEFAULT = parse(readFileSync(path.join(REPO_ROOT, 'playbooks/gates/default.yml'), 'utf8'));

function check(data: unknown) {
  const list: PlaybookSource[] = [{ file: 'playbooks/gates/x.yml', data }];
  const result = checkPlaybooks(list, { actions: NO_ACTIONS, catalog: CATALOG });
  return { ...result, lines: result.errors.map((e) => `${e.path}: ${e.message}`) };
}

describe('gate playbooks', () => {
  it('the shipped default gate set is valid: five gates, three sign-off roles', () => {
    const repoCatalog = { ...CATALOG, roles: { ...CATALOG.roles } };
    for (const role of ['release-manager', 'qa-lead']) {
      repoCatalog.roles[role] = { description: role, users: [], groups: [] };
    }
    const result = checkPlaybooks([{ file: 'playbooks/gates/default.yml', data: DEFAULT }], {
      actions: NO_ACTIONS,
      catalog: repoCatalog,
    });
    expect(result.errors).toEqual([]);
    const [gate] = result.playbooks;
    expect(gate?.kind === 'gate' && gate.gates.map((g) => g.name)).toEqual([
      'Supply chain immutability',
      'Observability',
      'Resilience drills',
      'Disaster recovery',
      'Rollout health',
    ]);
  });

  it('refuses a sign-off role too long for its Slack button, and accepts the longest that fits', () => {
    const longest = `r${'x'.repeat(SIGNOFF_ROLE_MAX - 1)}`;
    const tooLong = `${longest}x`;
    const withRoles = (roles: string[]) => {
      const set = structuredClone(DEFAULT);
      set.signoffs.roles = roles;
      const catalog = { ...CATALOG, roles: { ...CATALOG.roles } };
      for (const role of [...roles, 'release-manager']) {
        catalog.roles[role] = { description: 'r', users: [], groups: [] };
      }
      const list: PlaybookSource[] = [{ file: 'playbooks/gates/x.yml', data: set }];
      return checkPlaybooks(list, { actions: NO_ACTIONS, catalog }).errors.map(
        (e) => `${e.path}: ${e.message}`,
      );
    };
    expect(withRoles([longest])).toEqual([]);
    expect(withRoles([tooLong])).toEqual([
      'signoffs.roles.0: is 243 characters; its Sign-off button cannot name it (Slack takes at most 255 for gate.signoff:<role>), so a sign-off role has at most 242',
    ]);
  });

  it('refuses an incident variable in a gate query: a gate fills only service and env', () => {
    const broken = structuredClone(DEFAULT);
    broken.gates[1].checks[0].query = 'up{service="{{ service }}", alert="{{ alert.name }}"}';
    expect(check(broken).lines.filter((l) => l.startsWith('gates.'))).toEqual([
      'gates.1.checks.0.query: unknown template variable "alert.name"; only service, env are filled in here',
    ]);
  });

  it('lists every problem: unknown kind and role, duplicate ids and names, bad template', () => {
    const broken = structuredClone(DEFAULT);
    broken.gates[0].checks[0].kind = 'images-pined';
    broken.gates[1].checks[1].id = 'slo-burn-1h';
    broken.gates[1].checks[0].query = 'up{service="{{ servce }}"}';
    broken.gates[2].name = 'Observability';
    broken.gates[1].checks[1].environments = ['qa'];
    broken.signoffs.roles = ['sre-lead', 'secopz'];
    const { lines } = check(broken);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^gates\.0\.checks\.0\.kind: /),
        'gates.1.checks.1.id: "slo-burn-1h" is already a check of gate "Observability"',
        expect.stringMatching(/^gates\.1\.checks\.0\.query: .*servce/),
        'gates.2.name: "Observability" names two gates',
        expect.stringMatching(/^signoffs\.roles\.1: unknown role "secopz"/),
        expect.stringMatching(/^gates\.1\.checks\.1\.environments\.0: unknown environment "qa"/),
      ]),
    );
  });
});

describe('gate playbooks: signature checks', () => {
  const withCheck = (check: Record<string, unknown>) => ({
    id: 'signed',
    kind: 'gate',
    title: 'Signed images',
    description: 'Every image is signed.',
    gates: [
      {
        name: 'Supply chain',
        checks: [{ id: 'sig', title: 'Signed', kind: 'signature', ...check }],
      },
    ],
  });

  it('accepts bundles and keys each from a dir or an http(s) URL', () => {
    for (const [bundles, keys] of [
      [{ dir: 'signatures' }, { dir: 'keys' }],
      [{ url: 'https://sigs.acme.test/bundles' }, { url: 'http://keys.acme.test/release.pem' }],
    ]) {
      expect(check(withCheck({ bundles, keys })).errors).toEqual([]);
    }
  });

  it('says which of bundles and keys is wrong, and how', () => {
    const { lines } = check(
      withCheck({
        bundles: { dir: 'signatures', url: 'https://sigs.acme.test' },
        keys: { url: 'ftp://keys.acme.test/release.pem' },
      }),
    );
    expect(lines).toEqual([
      'gates.0.checks.0.bundles: give exactly one of `dir` or `url`',
      'gates.0.checks.0.keys.url: must be an http:// or https:// URL',
    ]);
    expect(check(withCheck({ bundles: {}, keys: { dir: 'keys' } })).lines).toEqual([
      'gates.0.checks.0.bundles: give exactly one of `dir` or `url`',
    ]);
    expect(check(withCheck({ bundles: { path: 'x' } })).lines).toEqual([
      'gates.0.checks.0.bundles.path: unknown key',
      'gates.0.checks.0.bundles: give exactly one of `dir` or `url`',
      'gates.0.checks.0.keys: is required (object)',
    ]);
  });
});
