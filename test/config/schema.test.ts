import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Catalog, CommandSpec } from '../../src/config/schema.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let catalog: unknown;
let rollback: unknown;
beforeAll(async () => {
  catalog = parse(await readFile(path.join(REPO_ROOT, 'catalog.yml'), 'utf8'));
  rollback = parse(await readFile(path.join(REPO_ROOT, 'commands/rollback.yml'), 'utf8'));
});

type Edit = [path: (string | number)[], value: unknown];

/** A copy of data with each edit applied: the value set at the path, or removed if undefined. */
function edited(data: unknown, edits: Edit[]): unknown {
  const copy = structuredClone(data);
  for (const [at, value] of edits) {
    let node = copy as Record<string | number, unknown>;
    for (const key of at.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
    const last = at.at(-1) ?? '';
    if (value === undefined) delete node[last];
    else node[last] = value;
  }
  return copy;
}

function problems(schema: typeof Catalog | typeof CommandSpec, data: unknown): string[] {
  const result = schema.safeParse(data);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

const ERROR_RATIO = {
  name: 'error-ratio',
  query: 'sum(rate(http_requests_total{code=~"5.."}[5m]))',
  comparison: '<',
  threshold: 0.01,
  description: 'x',
};
const USAGE = '/mc rollback <service> [--env ENV] [--to REVISION] [--reason TEXT] [--dry-run]';
const flag = (name: string, type: string, extra: object = {}) => ({
  name,
  type,
  description: 'x',
  ...extra,
});

describe('config/schema: Catalog', () => {
  it('accepts the repository catalog', () => {
    expect(problems(Catalog, catalog)).toEqual([]);
  });

  it.each<[string, Edit[], string]>([
    [
      'a freeze that ends before it starts',
      [
        [
          ['environments', 'prod', 'freeze'],
          [{ start: '2026-12-21T00:00:00Z', end: '2026-12-20T00:00:00Z', reason: 'x' }],
        ],
      ],
      'environments.prod.freeze.0.end: must be after start',
    ],
    [
      'a freeze time that is not ISO 8601',
      [
        [
          ['environments', 'prod', 'freeze'],
          [{ start: 'Dec 21', end: '2026-12-20T00:00:00Z', reason: 'x' }],
        ],
      ],
      'environments.prod.freeze.0.start: Invalid ISO datetime',
    ],
    [
      'a selector that is not a label matcher',
      [[['services', 'checkout', 'prometheus', 'selector'], 'service=checkout']],
      'services.checkout.prometheus.selector: must be a Prometheus label matcher like {service="checkout"}',
    ],
    [
      'an unknown workload kind',
      [[['services', 'checkout', 'environments', 'prod', 'workload', 'kind'], 'StatefulSet']],
      'services.checkout.environments.prod.workload.kind: Invalid option: expected one of "Deployment"|"Rollout"',
    ],
    [
      'a namespace Kubernetes would reject',
      [[['services', 'checkout', 'environments', 'prod', 'namespace'], 'Checkout_NS']],
      'services.checkout.environments.prod.namespace: must be a Kubernetes name (RFC 1123 label)',
    ],
    [
      'two SLOs with one name',
      [[['services', 'gateway', 'slo', 3], ERROR_RATIO]],
      'services.gateway.slo.3.name: "error-ratio" is declared twice',
    ],
    [
      'a service depending on itself',
      [[['services', 'payments', 'dependencies'], ['payments']]],
      'services.payments.dependencies.0: a service cannot depend on itself',
    ],
    [
      'a role nobody holds',
      [[['roles', 'qa-lead'], { description: 'QA', users: [], groups: [] }]],
      'roles.qa-lead: must list at least one user or group',
    ],
    [
      'a group id in the users list',
      [[['roles', 'secops', 'users'], ['S03SECOPS1']]],
      'roles.secops.users.0: must be a Slack user id like U01ALICE01',
    ],
    [
      'a PagerDuty id of the wrong shape',
      [[['services', 'gateway', 'pagerduty', 'serviceId'], 'gateway']],
      'services.gateway.pagerduty.serviceId: must be a PagerDuty service id like PCHK7Q2',
    ],
  ])('rejects %s', (_, edits, expected) => {
    expect(problems(Catalog, edited(catalog, edits))).toContain(expected);
  });
});

describe('config/schema: CommandSpec', () => {
  it('accepts the repository rollback spec', () => {
    expect(problems(CommandSpec, rollback)).toEqual([]);
  });

  it.each<[string, Edit[], string]>([
    [
      'a usage line for another verb',
      [[['usage'], '/mc undo <service>']],
      'usage: must start with "/mc rollback"',
    ],
    [
      'a required argument after an optional one',
      [
        [
          ['arguments'],
          [
            { name: 'service', type: 'service', required: false, description: 'x' },
            { name: 'target', type: 'string', required: true, description: 'y' },
          ],
        ],
      ],
      'arguments.1.required: a required argument cannot follow an optional one',
    ],
    [
      'an enum without values',
      [
        [['flags', 4], flag('mode', 'enum')],
        [['usage'], `${USAGE} [--mode MODE]`],
      ],
      'flags.4.values: is required for type enum',
    ],
    [
      'greedy on a number',
      [[['flags', 1, 'greedy'], true]],
      'flags.1.greedy: is only allowed for type string',
    ],
    [
      'a flag declared twice',
      [[['flags', 4], flag('env', 'environment')]],
      'flags.4.name: "--env" is declared twice',
    ],
    [
      'a --help flag',
      [
        [['flags', 4], flag('help', 'boolean')],
        [['usage'], `${USAGE} [--help]`],
      ],
      'flags.4.name: "--help" is built in',
    ],
    [
      'a flag the usage line does not mention',
      [[['flags', 4], flag('wait', 'duration')]],
      'usage: does not mention --wait',
    ],
    [
      'a duration default that is not a duration',
      [
        [['flags', 4], flag('wait', 'duration', { default: 'forever' })],
        [['usage'], `${USAGE} [--wait D]`],
      ],
      'flags.4.default: "forever" is not a valid duration',
    ],
    [
      'approvals without roles',
      [[['policy', 'environments', 'prod', 'approvals'], { count: 1, roles: [] }]],
      'policy.environments.prod.approvals.roles: must name at least one role when count > 0',
    ],
    [
      'approvals without an expiry',
      [[['policy', 'environments', 'prod', 'approvalTtl'], undefined]],
      'policy.environments.prod.approvalTtl: is required when approvals are required (e.g. 30m)',
    ],
    [
      'an expiry that is not a duration',
      [[['policy', 'environments', 'prod', 'approvalTtl'], 'half an hour']],
      'policy.environments.prod.approvalTtl: must be a duration like 15m, 1h or 1h30m',
    ],
  ])('rejects %s', (_, edits, expected) => {
    expect(problems(CommandSpec, edited(rollback, edits))).toContain(expected);
  });
});
