import { describe, expect, it } from 'vitest';
import {
  type Approval,
  type ApprovalRefusal,
  evaluateApproval,
  type Requirements,
} from '../../../src/domain/policy/index.ts';
import { at, HASH_A, HASH_B, prodRequirements } from './fixtures.ts';

const REQUESTER = 'U09BOB0001';
const ALICE = 'U01ALICE01';
const CAROL = 'U02CAROL03';
const TTL = 15 * 60_000;

interface Click {
  requirements?: Requirements;
  approver?: string;
  roles?: string[];
  approvalPlanHash?: string;
  existing?: Approval[];
  ms?: number;
}

function click(c: Click) {
  return evaluateApproval({
    requirements: c.requirements ?? prodRequirements(),
    requester: REQUESTER,
    approver: c.approver ?? ALICE,
    approverRoles: new Set(c.roles ?? ['sre-lead']),
    planHash: HASH_A,
    ...(c.approvalPlanHash ? { approvalPlanHash: c.approvalPlanHash } : {}),
    existing: c.existing ?? [],
    now: at(c.ms ?? 0),
  });
}

const aliceEarlier: Approval = { userId: ALICE, role: 'sre-lead', at: at(0), planHash: HASH_A };

describe('domain/policy/evaluate-approval: refusals', () => {
  it.each<[string, Click, ApprovalRefusal, string]>([
    [
      'the requester approving their own protected run',
      { approver: REQUESTER, roles: ['sre-lead'] },
      'self_approval',
      'You asked for this run, so you cannot approve it: `prod` is protected. Ask someone with the sre-lead or release-manager role.',
    ],
    [
      'someone without an approver role',
      { approver: CAROL, roles: ['qa-lead', 'oncall'] },
      'not_an_approver',
      'Only sre-lead or release-manager may approve `/mc rollback` in `prod`.',
    ],
    [
      'a click on a plan that has changed since',
      { approvalPlanHash: HASH_B },
      'plan_changed',
      'The plan changed after this approval was asked for; read the updated plan and approve that one.',
    ],
    [
      'a second click by the same person',
      {
        existing: [aliceEarlier],
        ms: 1000,
        requirements: prodRequirements({
          approvals: { count: 2, roles: ['sre-lead', 'release-manager'] },
        }),
      },
      'already_approved',
      'You have already approved this run; each person counts once. Approvals: 1 of 2 (sre-lead, release-manager).',
    ],
    [
      'an environment that needs no approval',
      { requirements: prodRequirements({ approvals: { count: 0, roles: [] } }) },
      'not_required',
      '`/mc rollback` in `prod` needs no approval.',
    ],
  ])('%s', (_name, c, reason, message) => {
    expect(click(c)).toEqual({ ok: false, reason, message });
  });
});

describe('domain/policy/evaluate-approval: approvals that count', () => {
  it('counts the click under the first policy role the approver holds, bound to the plan', () => {
    const result = click({
      approver: CAROL,
      roles: ['oncall', 'release-manager', 'sre-lead'],
      ms: 5000,
    });
    expect(result).toMatchObject({
      ok: true,
      approval: { userId: CAROL, role: 'sre-lead', at: at(5000), planHash: HASH_A },
      tally: { satisfied: true, needed: 0, summary: '1 of 1 (sre-lead, release-manager)' },
    });
  });

  it('lets the requester approve where self-approval is allowed', () => {
    const open = prodRequirements({ env: 'staging', protected: false, selfApproval: true });
    expect(click({ requirements: open, approver: REQUESTER }).ok).toBe(true);
  });

  it.each<[string, Approval]>([
    ['after their approval expired', aliceEarlier],
    ['after they approved an older plan', { ...aliceEarlier, at: at(TTL), planHash: HASH_B }],
  ])('lets a person approve again %s', (_name, earlier) => {
    const result = click({ existing: [earlier], ms: TTL + 1000 });
    expect(result).toMatchObject({ ok: true, tally: { satisfied: true } });
  });

  it('keeps a trimmed comment and reports a tally that still needs more', () => {
    const result = evaluateApproval({
      requirements: prodRequirements({ approvals: { count: 2, roles: ['sre-lead'] } }),
      requester: REQUESTER,
      approver: ALICE,
      approverRoles: new Set(['sre-lead']),
      planHash: HASH_A,
      approvalPlanHash: HASH_A,
      existing: [],
      now: at(0),
      comment: '  looks right  ',
    });
    expect(result).toMatchObject({
      ok: true,
      approval: { comment: 'looks right' },
      tally: { satisfied: false, needed: 1, summary: '1 of 2 (sre-lead)' },
    });
  });
});
