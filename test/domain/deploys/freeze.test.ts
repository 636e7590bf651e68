import { describe, expect, it } from 'vitest';
import { Catalog } from '../../../src/config/schema.ts';
import {
  activeFreeze,
  type FreezeInput,
  freezeDecision,
  overrideRequirements,
} from '../../../src/domain/deploys/freeze.ts';
import type { Requirements } from '../../../src/domain/policy/index.ts';

const catalog = Catalog.parse({
  defaults: { environment: 'staging', slackChannel: '#mc-ops' },
  environments: {
    staging: { description: 'Pre-production', protected: false },
    prod: {
      description: 'Production',
      protected: true,
      freeze: [
        { start: '2026-12-21T00:00:00Z', end: '2027-01-04T08:00:00Z', reason: 'Year-end freeze' },
        // Written in Paris time: 2027-01-04T08:00Z to 2027-01-05T09:00Z, abutting the first.
        { start: '2027-01-04T09:00:00+01:00', end: '2027-01-05T10:00:00+01:00', reason: 'Audit' },
        { start: '2027-03-01T00:00:00Z', end: '2027-03-02T00:00:00Z', reason: 'Migration' },
      ],
    },
  },
  services: {},
  roles: { oncall: { description: 'On call', groups: ['S05ONCALL1'] } },
});

const at = (iso: string) => new Date(iso);

describe('domain/deploys/freeze: activeFreeze', () => {
  it.each([
    ['2026-12-20T23:59:59.999Z', undefined, undefined],
    ['2026-12-21T00:00:00.000Z', 'Year-end freeze', '2027-01-05T09:00:00.000Z'],
    ['2027-01-04T07:59:59.999Z', 'Year-end freeze', '2027-01-05T09:00:00.000Z'],
    ['2027-01-04T08:00:00.000Z', 'Audit', '2027-01-05T09:00:00.000Z'],
    ['2027-01-05T08:59:59.999Z', 'Audit', '2027-01-05T09:00:00.000Z'],
    ['2027-01-05T09:00:00.000Z', undefined, undefined],
    ['2027-03-01T12:00:00.000Z', 'Migration', '2027-03-02T00:00:00.000Z'],
  ])('at %s: %s, lifting at %s', (now, reason, liftsAt) => {
    const freeze = activeFreeze(catalog, 'prod', at(now));
    expect(freeze?.reason).toBe(reason);
    expect(freeze?.liftsAt.toISOString()).toBe(liftsAt);
  });

  it('knows no freeze in environments without windows or unknown to the catalog', () => {
    expect(activeFreeze(catalog, 'staging', at('2026-12-25T00:00:00Z'))).toBeUndefined();
    expect(activeFreeze(catalog, 'qa', at('2026-12-25T00:00:00Z'))).toBeUndefined();
  });
});

const requirements: Requirements = {
  command: 'deploy',
  env: 'prod',
  protected: true,
  approvals: { count: 1, roles: ['sre-lead', 'release-manager'] },
  reasonRequired: true,
  selfApproval: false,
  approvalTtlMs: 1_800_000,
};

const base: FreezeInput = {
  catalog,
  env: 'prod',
  now: at('2026-12-24T10:00:00Z'),
  kind: 'deploy',
  overrideRoles: ['sre-lead'],
  requirements,
  requester: 'U01ALICE01',
};
const approval = (userId: string, role: string) => ({
  userId,
  role,
  at: at('2026-12-24T10:01:00Z'),
  planHash: 'a'.repeat(64),
});

describe('domain/deploys/freeze: freezeDecision', () => {
  it('refuses a deploy, naming the window, its end and how to ask for an override', () => {
    const decision = freezeDecision(base);
    expect(decision.kind).toBe('refused');
    if (decision.kind !== 'refused') return;
    expect(decision.message).toBe(
      '`prod` is frozen until 2027-01-05T09:00:00Z (Year-end freeze; since 2026-12-21T00:00:00Z). ' +
        'Deploys are refused during a freeze. If this cannot wait, ask for an override: add ' +
        '`--override-freeze --reason "why this cannot wait"` to your command; one of sre-lead (not you) must approve it.',
    );
  });

  it.each([
    ['no reason', { override: {} }, /An override needs a reason: add `--reason/],
    ['a blank reason', { override: { reason: '  ' } }, /An override needs a reason/],
    [
      'no override roles',
      { override: { reason: 'hotfix' }, overrideRoles: [] },
      /no role may override/,
    ],
  ])('refuses an override with %s', (_, extra, message) => {
    const decision = freezeDecision({ ...base, ...extra });
    expect(decision.kind).toBe('refused');
    expect('message' in decision && decision.message).toMatch(message);
  });

  it('asks for an override approval under tightened requirements', () => {
    const decision = freezeDecision({ ...base, override: { reason: 'PAY-1234 hotfix' } });
    expect(decision).toMatchObject({
      kind: 'needs_override',
      requirements: { approvals: { count: 1, roles: ['sre-lead'] }, selfApproval: false },
    });
  });

  it.each([
    ['the requester themself', [approval('U01ALICE01', 'sre-lead')], 'needs_override'],
    ['a role that may not override', [approval('U02CAROL03', 'release-manager')], 'needs_override'],
    ['an sre-lead', [approval('U01BOBBY02', 'sre-lead')], 'overridden'],
  ])('with an approval by %s: %s', (_, approvals, kind) => {
    const decision = freezeDecision({ ...base, override: { reason: 'hotfix' }, approvals });
    expect(decision.kind).toBe(kind);
    if (decision.kind === 'overridden') {
      expect(decision.reason).toBe('hotfix');
      expect(decision.approval.userId).toBe('U01BOBBY02');
      expect(decision.message).toMatch(/overridden by <@U01BOBBY02> \(sre-lead\): hotfix/);
    }
  });

  it.each([
    ['rollback', 'exempt'],
    ['auto-rollback', 'exempt'],
  ] as const)('lets a %s through during a freeze (%s)', (kind, expected) => {
    const decision = freezeDecision({ ...base, kind });
    expect(decision.kind).toBe(expected);
    expect('message' in decision && decision.message).toMatch(/Rollbacks are allowed/);
  });

  it('is clear outside a freeze, at the exact end of the last window', () => {
    expect(freezeDecision({ ...base, now: at('2027-01-05T09:00:00Z') })).toEqual({ kind: 'clear' });
  });

  it('keeps a larger approval count when tightening', () => {
    const tightened = overrideRequirements(
      { ...requirements, approvals: { count: 2, roles: ['x'] }, reasonRequired: false },
      ['sre-lead'],
    );
    expect(tightened).toMatchObject({
      approvals: { count: 2, roles: ['sre-lead'] },
      reasonRequired: true,
    });
  });
});
