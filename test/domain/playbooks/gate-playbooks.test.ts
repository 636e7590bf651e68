import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
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
