import { beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../../src/config/schema.ts';
import type { ParseContext } from '../../../src/domain/commands/index.ts';
import {
  checkReason,
  effectiveRequirements,
  mayRequestUnder,
  type Requirements,
  strictest,
} from '../../../src/domain/policy/index.ts';
import { repoContext } from '../commands/repo-context.ts';

let ctx: ParseContext;
beforeAll(async () => {
  ctx = await repoContext();
});

function effective(verb: string, env: string, catalog: Catalog = ctx.catalog, actions?: string[]) {
  const spec = ctx.commands.get(verb);
  if (!spec) throw new Error(`no spec ${verb}`);
  return effectiveRequirements({
    spec,
    env,
    catalog,
    commands: ctx.commands.values(),
    ...(actions ? { actions } : {}),
  });
}

/** The repository catalog with prod's baseline taken away (a protected env declaring none). */
function withoutBaseline(): Catalog {
  const environments = structuredClone(ctx.catalog.environments);
  delete environments.prod?.policy;
  return Catalog.parse({ ...ctx.catalog, environments });
}

const BASE: Requirements = {
  command: 'triage',
  env: 'prod',
  protected: true,
  approvals: { count: 0, roles: [] },
  reasonRequired: false,
  selfApproval: true,
  approvalTtlMs: 15 * 60_000,
  requesters: 'anyone',
};

describe('domain/policy/effective-policy', () => {
  it('gives the triage verb (anyone, no approval) prod’s baseline: an approver, a reason, no self-approval', () => {
    const r = effective('triage', 'prod');
    expect(r).toMatchObject({
      approvals: { count: 1, roles: ['sre-lead', 'release-manager'] },
      reasonRequired: true,
      reasonMinLength: 10,
      selfApproval: false,
      requesters: ['oncall', 'sre-lead', 'release-manager'],
    });
    expect(r.basis).toEqual(['commands/triage.yml', 'catalog.yml environments.prod.policy']);
  });

  it('narrows a verb’s approvers to those the baseline allows too', () => {
    // drill: prod approvers [sre-lead]; the baseline allows sre-lead or release-manager.
    expect(effective('drill', 'prod').approvals).toEqual({ count: 1, roles: ['sre-lead'] });
    expect(effective('drill', 'prod').requesters).toEqual(['sre-lead', 'oncall']);
  });

  it('keeps staging open to people on call only, whatever the verb says', () => {
    expect(effective('triage', 'staging')).toMatchObject({
      approvals: { count: 0, roles: [] },
      requesters: ['oncall', 'sre-lead', 'release-manager'],
      reasonRequired: false,
    });
    expect(effective('triage', 'staging').reasonMinLength).toBeUndefined();
  });

  it('falls back to the safe default in a protected environment that declares no baseline', () => {
    const r = effective('triage', 'prod', withoutBaseline());
    // Any role that approves some command in prod, never the requester, a reason of 10.
    expect(r).toMatchObject({
      approvals: { count: 1, roles: ['qa-lead', 'release-manager', 'secops', 'sre-lead'] },
      selfApproval: false,
      reasonRequired: true,
      reasonMinLength: 10,
      requesters: 'anyone',
    });
    expect(r.basis).toContain('the default for protected environment prod');
  });

  it('treats an environment missing from the catalog as protected (fail closed)', () => {
    const r = effective('triage', 'qa');
    expect(r.approvals.count).toBe(1);
    expect(r.selfApproval).toBe(false);
  });

  it.each<[string, Parameters<typeof strictest>[1], Partial<Requirements>]>([
    [
      'a smaller count never lowers it',
      { approvals: { count: 0, roles: [] } },
      { approvals: { count: 0, roles: [] } },
    ],
    [
      'approvals from none',
      { approvals: { count: 2, roles: ['a', 'b'] } },
      { approvals: { count: 2, roles: ['a', 'b'] } },
    ],
    ['self-approval true cannot re-allow it', { selfApproval: true }, { selfApproval: true }],
    ['a reason becomes required', { reasonRequired: true }, { reasonRequired: true }],
    ['requesters narrow from anyone', { requesters: ['oncall'] }, { requesters: ['oncall'] }],
    ['anyone does not widen', { requesters: 'anyone' }, { requesters: 'anyone' }],
    ['a shorter TTL wins', { approvalTtlMs: 60_000 }, { approvalTtlMs: 60_000 }],
    ['a longer TTL does not', { approvalTtlMs: 3_600_000 }, { approvalTtlMs: 15 * 60_000 }],
  ])('strictest: %s', (_name, rule, expected) => {
    expect(strictest(BASE, rule, 'test')).toMatchObject(expected);
  });

  it('strictest intersects approver roles and keeps the larger count', () => {
    const base = { ...BASE, approvals: { count: 1, roles: ['sre-lead', 'release-manager'] } };
    const out = strictest(base, { approvals: { count: 2, roles: ['sre-lead', 'secops'] } }, 'x');
    expect(out.approvals).toEqual({ count: 2, roles: ['sre-lead'] });
    expect(strictest(out, { selfApproval: true, reasonMinLength: 3 }, 'y')).toMatchObject({
      selfApproval: true,
      reasonMinLength: 3,
    });
    expect(
      strictest({ ...out, reasonMinLength: 20 }, { reasonMinLength: 3 }, 'y').reasonMinLength,
    ).toBe(20);
  });

  it('lets only requesters the effective policy names ask', () => {
    const r = effective('triage', 'prod');
    expect(mayRequestUnder(r, new Set(['secops']))).toEqual({
      ok: false,
      message: 'Only oncall, sre-lead or release-manager may run `/mc triage` in `prod`.',
    });
    expect(mayRequestUnder(r, new Set(['oncall', 'secops'])).ok).toBe(true);
  });

  it.each([
    ['', false, 'needs a reason, for the approvers and the ledger'],
    [
      'x',
      false,
      'needs a reason of at least 10 characters, for the approvers and the ledger; "x" has 1.',
    ],
    ['  long enough ', true, ''],
    ['123456789', false, '"123456789" has 9.'],
    ['1234567890', true, ''],
  ])('a reason %j in prod: accepted %s', (reason, ok, message) => {
    const outcome = checkReason({ requirements: effective('rollback', 'prod'), reason });
    expect(outcome.ok).toBe(ok);
    if (!outcome.ok) expect(outcome.message).toContain(message);
  });
});
