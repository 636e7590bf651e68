import { type Catalog, CommandSpec } from '../../../src/config/schema.ts';
import type { Requirements } from '../../../src/domain/policy/index.ts';

/** A catalog with one protected and one open environment (only the parts policy reads). */
export const CATALOG: Pick<Catalog, 'environments' | 'roles'> = {
  environments: {
    staging: { description: 'Pre-production.', protected: false, freeze: [] },
    prod: { description: 'Production.', protected: true, freeze: [] },
  },
  roles: {
    'sre-lead': { description: 'SRE leads.', users: ['U01ALICE01'], groups: ['S01SRELEAD'] },
    'release-manager': { description: 'Release.', users: ['U02CAROL03'], groups: ['S02RELMGRS'] },
    oncall: { description: 'On call.', users: [], groups: ['S05ONCALL1'] },
    'qa-lead': { description: 'QA.', users: ['U04ERINN05'], groups: [] },
  },
};

/** A spec for `/mc restart`, policy as given. */
export function restartSpec(policy: unknown, subcommands: unknown[] = []): CommandSpec {
  return CommandSpec.parse({
    verb: 'restart',
    summary: 'Restart a service',
    usage: '/mc restart <service>',
    subcommands,
    policy,
  });
}

/** Requirements as requirementsFor returns them for a protected env needing `count` approvals. */
export function prodRequirements(overrides: Partial<Requirements> = {}): Requirements {
  return {
    command: 'rollback',
    env: 'prod',
    protected: true,
    approvals: { count: 1, roles: ['sre-lead', 'release-manager'] },
    reasonRequired: true,
    selfApproval: false,
    approvalTtlMs: 15 * 60_000,
    ...overrides,
  };
}

export const HASH_A = 'a'.repeat(64);
export const HASH_B = 'b'.repeat(64);
export const T0 = new Date('2026-03-01T03:00:00.000Z');

/** `ms` after T0. */
export function at(ms: number): Date {
  return new Date(T0.getTime() + ms);
}
