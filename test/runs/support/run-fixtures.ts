import { promises as fs } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { Catalog, CommandSpec } from '../../../src/config/schema.ts';
import type { RoleDirectory } from '../../../src/domain/policy/index.ts';
import type { KubeEmulator } from '../../../src/sandbox/kubernetes/index.ts';
import { createLogger } from '../../../src/telemetry/logger.ts';

// What the run tests and their child processes share; nothing here imports vitest.

export const STAGING = 'ctx-staging';
export const PROD = 'ctx-prod';
export const log = createLogger({ level: 'silent' });

/** Slack user ids of the people in these tests. */
export const ALICE = 'U0ALICE001';
export const BOB = 'U0BOB00001';
export const LEAD = 'U0LEAD0001';
export const SRE = 'U0SRE00001';
export const RM = 'U0RM000001';
export const NOBODY = 'U0NOBODY01';

/** People and the roles the fake directory gives them. */
export const PEOPLE: Record<string, string[]> = {
  [ALICE]: ['oncall'],
  [BOB]: ['oncall'],
  [LEAD]: ['oncall', 'sre-lead'],
  [SRE]: ['sre-lead'],
  [RM]: ['release-manager'],
  [NOBODY]: [],
};

/** A hand-written RoleDirectory: roles from PEOPLE, and a record of who was asked about. */
export function fakeRoles(): RoleDirectory & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async rolesOf(userId) {
      asked.push(userId);
      return new Set(PEOPLE[userId] ?? []);
    },
  };
}

const where = (context: string, name = 'checkout') => ({
  context,
  namespace: name,
  workload: { kind: 'Deployment', name },
  container: 'app',
});
const service = (name: string, envs: Record<string, object>) => ({
  description: name,
  slackChannel: `#team-${name}`,
  pagerduty: { serviceId: `P${name.toUpperCase().padEnd(6, 'X')}` },
  prometheus: { selector: `{service="${name}"}` },
  slo: [{ name: 'up', query: 'sum(up)', comparison: '>', threshold: 0, description: 'up' }],
  environments: envs,
});

/** checkout (staging, prod) and cart (staging): Deployments in namespaces of their name. */
export const catalog = Catalog.parse({
  defaults: { environment: 'staging', slackChannel: '#mc-ops' },
  environments: {
    staging: { description: 'Pre-production', protected: false },
    prod: { description: 'Production', protected: true },
  },
  services: {
    checkout: service('checkout', { staging: where(STAGING), prod: where(PROD) }),
    cart: service('cart', { staging: where(STAGING, 'cart') }),
  },
  roles: Object.fromEntries(
    ['oncall', 'sre-lead', 'release-manager'].map((role) => [
      role,
      {
        description: role,
        users: Object.keys(PEOPLE).filter((u) => PEOPLE[u]?.includes(role)),
      },
    ]),
  ),
});

/** The repository's own `/mc rollback` spec: staging needs Confirm, prod one approval. */
export async function loadCommands(): Promise<Map<string, CommandSpec>> {
  const file = new URL('../../../commands/rollback.yml', import.meta.url);
  const spec = CommandSpec.parse(parseYaml(await fs.readFile(file, 'utf8')));
  return new Map([[spec.verb, spec]]);
}

/** Seeds a Deployment `name` (namespace `name`) running `image`, and a flags ConfigMap. */
export function seedService(
  emulator: KubeEmulator,
  context: string,
  name = 'checkout',
  image = 'shop/checkout:1.4.1',
  replicas = 3,
): void {
  emulator.seed(
    [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: name, labels: { app: name } },
        spec: {
          replicas,
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels: { app: name } },
            spec: { containers: [{ name: 'app', image }] },
          },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `${name}-flags`, namespace: name },
        data: { 'new-cart': 'off' },
      },
    ],
    context,
  );
}
