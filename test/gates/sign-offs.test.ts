import { describe, expect, it } from 'vitest';
import { partitionSignOffs, resultsDigest, signOffRefusal } from '../../src/gates/sign-offs.ts';

const AT = new Date('2026-11-22T12:00:00Z');
const base = {
  requiredRoles: ['release-manager', 'sre-lead'],
  distinctPeople: true,
  valid: [] as { role: string; by: string; at: Date }[],
};

describe('sign-offs', () => {
  it('only a holder of a required role signs for it, once', () => {
    const holds = new Set(['release-manager']);
    expect(signOffRefusal({ ...base, role: 'release-manager', by: 'U1', holds })).toBeUndefined();
    expect(signOffRefusal({ ...base, role: 'sre-lead', by: 'U1', holds })).toBe(
      'Only a holder of `sre-lead` may sign for it.',
    );
    expect(signOffRefusal({ ...base, role: 'secops', by: 'U1', holds })).toMatch(
      /needs no `secops` sign-off/,
    );
    const valid = [{ role: 'release-manager', by: 'U2', at: AT }];
    expect(signOffRefusal({ ...base, valid, role: 'release-manager', by: 'U1', holds })).toBe(
      '<@U2> already signed for `release-manager`.',
    );
  });

  it('one person signs at most one role when the set wants distinct people', () => {
    const holds = new Set(['release-manager', 'sre-lead']);
    const valid = [{ role: 'release-manager', by: 'U1', at: AT }];
    expect(signOffRefusal({ ...base, valid, role: 'sre-lead', by: 'U1', holds })).toMatch(
      /different person for each role/,
    );
    expect(
      signOffRefusal({ ...base, distinctPeople: false, valid, role: 'sre-lead', by: 'U1', holds }),
    ).toBeUndefined();
  });

  it('a re-run that changes a check status invalidates earlier sign-offs; new values do not', () => {
    const before = resultsDigest([
      { name: 'A', checks: [{ checkId: 'slo', title: 'SLO', status: 'passed', reason: '0.4' }] },
    ]);
    const sameStatus = resultsDigest([
      { name: 'A', checks: [{ checkId: 'slo', title: 'SLO', status: 'passed', reason: '0.5' }] },
    ]);
    const changed = resultsDigest([
      { name: 'A', checks: [{ checkId: 'slo', title: 'SLO', status: 'failed', reason: '1.2' }] },
    ]);
    const signOffs = [{ role: 'sre-lead', by: 'U1', at: AT, digest: before }];
    expect(partitionSignOffs(signOffs, sameStatus).valid).toHaveLength(1);
    expect(partitionSignOffs(signOffs, changed)).toEqual({ valid: [], invalidated: signOffs });
  });
});
