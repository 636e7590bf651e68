import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Approval, tally } from '../../../src/domain/policy/index.ts';
import { at, HASH_A, HASH_B, prodRequirements, T0 } from './fixtures.ts';

const TTL = 15 * 60_000;
const two = prodRequirements({ approvals: { count: 2, roles: ['sre-lead', 'release-manager'] } });

function approval(userId: string, role: string, ms: number, planHash = HASH_A): Approval {
  return { userId, role, at: at(ms), planHash };
}

const alice = approval('U01ALICE01', 'sre-lead', 0);
const carol = approval('U02CAROL03', 'release-manager', 60_000);

describe('domain/policy/tally', () => {
  it.each<[string, Approval[], number, { valid: number; needed: number; summary: string }]>([
    ['nobody yet', [], 0, { valid: 0, needed: 2, summary: '0 of 2 (sre-lead, release-manager)' }],
    ['one', [alice], 1000, { valid: 1, needed: 1, summary: '1 of 2 (sre-lead, release-manager)' }],
    [
      'two people',
      [alice, carol],
      1000,
      { valid: 2, needed: 0, summary: '2 of 2 (sre-lead, release-manager)' },
    ],
    [
      'one person twice counts once',
      [alice, approval('U01ALICE01', 'sre-lead', 5000)],
      6000,
      { valid: 1, needed: 1, summary: '1 of 2 (sre-lead, release-manager)' },
    ],
    [
      'alice expired at exactly the TTL',
      [alice, carol],
      TTL,
      { valid: 1, needed: 1, summary: '1 of 2 (sre-lead, release-manager)' },
    ],
    [
      'just before the TTL both count',
      [alice, carol],
      TTL - 1,
      { valid: 2, needed: 0, summary: '2 of 2 (sre-lead, release-manager)' },
    ],
    [
      'an approval of another plan does not count',
      [alice, approval('U02CAROL03', 'release-manager', 0, HASH_B)],
      1000,
      { valid: 1, needed: 1, summary: '1 of 2 (sre-lead, release-manager)' },
    ],
    [
      'a role the policy does not name does not count',
      [alice, approval('U04ERINN05', 'qa-lead', 0)],
      1000,
      { valid: 1, needed: 1, summary: '1 of 2 (sre-lead, release-manager)' },
    ],
  ])('%s', (_name, approvals, ms, expected) => {
    const result = tally({ requirements: two, approvals, planHash: HASH_A, now: at(ms) });
    expect({ valid: result.valid.length, needed: result.needed, summary: result.summary }).toEqual(
      expected,
    );
    expect(result.satisfied).toBe(expected.needed === 0);
  });

  it('sorts each approval into the list that says why it counts or not', () => {
    const again = approval('U01ALICE01', 'sre-lead', 10 * 60_000);
    const stale = approval('U09DAVE001', 'sre-lead', 0, HASH_B);
    const outsider = approval('U04ERINN05', 'qa-lead', 0);
    const old = approval('U02CAROL03', 'release-manager', -TTL);
    const result = tally({
      requirements: two,
      approvals: [alice, again, stale, outsider, old],
      planHash: HASH_A,
      now: T0,
    });
    expect(result).toMatchObject({
      valid: [again],
      expired: [old],
      stale: [stale],
      ignored: [alice, outsider],
    });
  });

  it('needs nothing when the policy asks for no approval', () => {
    const none = prodRequirements({ approvals: { count: 0, roles: [] } });
    expect(tally({ requirements: none, approvals: [], planHash: HASH_A, now: T0 })).toMatchObject({
      satisfied: true,
      needed: 0,
      summary: 'no approval needed',
    });
  });

  it('property: the lists partition the input and valid holds one current approval per person', () => {
    const arbApproval = fc.record({
      userId: fc.constantFrom('U1', 'U2', 'U3', 'U4'),
      role: fc.constantFrom('sre-lead', 'release-manager', 'qa-lead'),
      at: fc.integer({ min: -2 * TTL, max: 2 * TTL }).map(at),
      planHash: fc.constantFrom(HASH_A, HASH_B),
    });
    fc.assert(
      fc.property(
        fc.array(arbApproval, { maxLength: 12 }),
        fc.integer({ min: 0, max: 5 }),
        (list, count) => {
          const requirements = prodRequirements({
            approvals: { count, roles: ['sre-lead', 'release-manager'] },
          });
          const r = tally({ requirements, approvals: list, planHash: HASH_A, now: T0 });
          const all = [...r.valid, ...r.expired, ...r.stale, ...r.ignored];
          expect(all).toHaveLength(list.length);
          expect(new Set(all)).toEqual(new Set(list));
          expect(new Set(r.valid.map((a) => a.userId)).size).toBe(r.valid.length);
          for (const a of r.valid) {
            expect(a.planHash).toBe(HASH_A);
            expect(T0.getTime() - a.at.getTime()).toBeLessThan(TTL);
          }
          expect(r.satisfied).toBe(r.valid.length >= count);
          expect(r.needed).toBe(Math.max(0, count - r.valid.length));
        },
      ),
    );
  });
});
