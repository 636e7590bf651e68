import { beforeAll, describe, expect, it } from 'vitest';
import type { ParseContext } from '../../../src/domain/commands/index.ts';
import { policyFor, type Requirements, requirementsFor } from '../../../src/domain/policy/index.ts';
import { repoContext } from '../commands/repo-context.ts';
import { CATALOG, restartSpec } from './fixtures.ts';

let ctx: ParseContext;
beforeAll(async () => {
  ctx = await repoContext();
});

function forRepo(verb: string, env: string, subcommand?: string): Requirements {
  const spec = ctx.commands.get(verb);
  if (!spec) throw new Error(`no spec ${verb}`);
  return requirementsFor({
    spec,
    env,
    catalog: ctx.catalog,
    ...(subcommand ? { subcommand } : {}),
  });
}

describe('domain/policy/requirements: the repository commands', () => {
  it.each<[string, string, Omit<Requirements, 'command' | 'env'>]>([
    [
      'rollback',
      'prod',
      {
        protected: true,
        approvals: { count: 1, roles: ['sre-lead', 'release-manager'] },
        reasonRequired: true,
        selfApproval: false,
        approvalTtlMs: 15 * 60_000,
      },
    ],
    [
      'deploy',
      'prod',
      {
        protected: true,
        approvals: { count: 1, roles: ['sre-lead', 'release-manager'] },
        reasonRequired: true,
        selfApproval: false,
        approvalTtlMs: 30 * 60_000,
      },
    ],
    [
      'gate',
      'prod',
      {
        protected: true,
        approvals: { count: 2, roles: ['release-manager', 'qa-lead', 'secops'] },
        reasonRequired: false,
        selfApproval: false,
        approvalTtlMs: 4 * 3_600_000,
      },
    ],
    [
      'rollback',
      'staging',
      {
        protected: false,
        approvals: { count: 0, roles: [] },
        reasonRequired: false,
        selfApproval: true,
        approvalTtlMs: 15 * 60_000,
      },
    ],
    [
      'status',
      'prod',
      {
        protected: true,
        approvals: { count: 0, roles: [] },
        reasonRequired: false,
        selfApproval: false,
        approvalTtlMs: 15 * 60_000,
      },
    ],
  ])('%s in %s', (verb, env, expected) => {
    expect(forRepo(verb, env)).toEqual({ command: verb, env, ...expected });
  });

  it('drill report has a policy of its own: no approvals, unlike drill', () => {
    expect(forRepo('drill', 'prod', 'report')).toMatchObject({
      command: 'drill report',
      approvals: { count: 0, roles: [] },
    });
    expect(forRepo('drill', 'prod').approvals).toEqual({ count: 1, roles: ['sre-lead'] });
  });
});

describe('domain/policy/requirements: rules the code enforces itself', () => {
  const prodRule = {
    approvals: { count: 1, roles: ['sre-lead'] },
    reasonRequired: true,
    selfApproval: true,
    approvalTtl: '1h30m',
  };

  it('never allows self-approval in a protected environment, whatever the spec says', () => {
    const spec = restartSpec({ requesters: 'anyone', environments: { prod: prodRule } });
    const req = requirementsFor({ spec, env: 'prod', catalog: CATALOG });
    expect(req.selfApproval).toBe(false);
    expect(req.approvalTtlMs).toBe(90 * 60_000);
  });

  it('treats an environment missing from the catalog as protected', () => {
    const spec = restartSpec({ requesters: 'anyone', environments: { qa: prodRule } });
    const req = requirementsFor({ spec, env: 'qa', catalog: CATALOG });
    expect(req).toMatchObject({ protected: true, selfApproval: false });
  });

  it('takes the policy of a subcommand that has one, else the verb policy', () => {
    const spec = restartSpec({ requesters: ['sre-lead'], environments: {} }, [
      {
        name: 'all',
        summary: 'All pods',
        usage: '/mc restart all',
        policy: { requesters: 'anyone' },
      },
      { name: 'one', summary: 'One pod', usage: '/mc restart one' },
    ]);
    expect(policyFor(spec, 'all')).toEqual({
      command: 'restart all',
      policy: { requesters: 'anyone', environments: {} },
    });
    expect(policyFor(spec, 'one').policy.requesters).toEqual(['sre-lead']);
    expect(() => policyFor(spec, 'none')).toThrow('restart has no subcommand "none"');
  });
});
