import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CheckStatus,
  decideGate,
  type GateResult,
  type Waiver,
} from '../../src/gates/decide-gate.ts';

const NOW = new Date('2026-11-22T12:00:00Z');
const check = (id: string, status: CheckStatus) => ({
  checkId: id,
  title: id,
  status,
  reason: status,
});
const gate = (name: string, ...statuses: CheckStatus[]): GateResult => ({
  name,
  checks: statuses.map((s, i) => check(`${name}-${i}`, s)),
});
const waiver = (name: string, hours: number): Waiver => ({
  gate: name,
  by: 'U0RELMGR1',
  reason: 'known flake, fix in 1.4.3',
  expiresAt: new Date(NOW.getTime() + hours * 3_600_000),
});

describe('decideGate', () => {
  it('the report that said "12/8 gates passed" above "3/8 GATES FAILED": counts from one list', () => {
    const results = [
      gate('Supply chain immutability', 'failed', 'passed'),
      gate('Observability', 'passed'),
      gate('Resilience drills', 'passed'),
      gate('DR', 'passed'),
      gate('Pre-flight validation', 'failed'),
      gate('Rollout health', 'passed', 'passed'),
      gate('Security', 'passed'),
      gate('Capacity', 'passed'),
    ];
    const d = decideGate({ results, waivers: [], signOffs: [], requiredRoles: [], now: NOW });
    expect(d.headline).toBe(
      '6/8 gates passed, 2 failed: Supply chain immutability, Pre-flight validation',
    );
    expect(d.decision).toBe('NO-GO');
  });

  it('GO needs every gate passed (or waived) and every required sign-off', () => {
    const results = [gate('A', 'passed'), gate('B', 'failed')];
    const base = { results, signOffs: [], requiredRoles: ['release-manager'], now: NOW };
    expect(decideGate({ ...base, waivers: [] }).decision).toBe('NO-GO');
    const waived = decideGate({ ...base, waivers: [waiver('B', 4)] });
    expect(waived.decision).toBe('PENDING');
    expect(waived.missingRoles).toEqual(['release-manager']);
    expect(waived.headline).toBe('1/2 gates passed, 1 waived: B');
    const signed = decideGate({
      ...base,
      waivers: [waiver('B', 4)],
      signOffs: [{ role: 'release-manager', by: 'U0RELMGR1', at: NOW }],
    });
    expect(signed.decision).toBe('GO');
  });

  it('an expired waiver no longer counts; an inconclusive check blocks like a failure', () => {
    const results = [gate('A', 'passed', 'inconclusive'), gate('B', 'failed')];
    const d = decideGate({
      results,
      waivers: [waiver('B', -1)],
      signOffs: [],
      requiredRoles: [],
      now: NOW,
    });
    expect(d.rows.map((r) => r.status)).toEqual(['inconclusive', 'failed']);
    expect(d.decision).toBe('NO-GO');
    expect(d.headline).toBe('0/2 gates passed, 1 failed: B, 1 inconclusive: A');
  });

  it('property: passed + failed + waived + inconclusive = total, and the headline agrees with the table', () => {
    const status = fc.constantFrom<CheckStatus>('passed', 'failed', 'inconclusive');
    const arb = fc.record({
      gates: fc.uniqueArray(
        fc.record({
          name: fc.stringMatching(/^[A-Z][a-z]{2,10}$/),
          statuses: fc.array(status, { minLength: 1, maxLength: 5 }),
          waiverHours: fc.option(fc.integer({ min: -48, max: 48 }), { nil: undefined }),
        }),
        { selector: (g) => g.name, maxLength: 12 },
      ),
      roles: fc.uniqueArray(fc.constantFrom('release-manager', 'sre-lead', 'secops', 'qa-lead')),
      signed: fc.uniqueArray(fc.constantFrom('release-manager', 'sre-lead', 'secops', 'qa-lead')),
    });
    fc.assert(
      fc.property(arb, ({ gates, roles, signed }) => {
        const d = decideGate({
          results: gates.map((g) => gate(g.name, ...g.statuses)),
          waivers: gates.flatMap((g) =>
            g.waiverHours === undefined || g.waiverHours === 0
              ? []
              : [waiver(g.name, g.waiverHours)],
          ),
          signOffs: signed.map((role) => ({ role, by: `U-${role}`, at: NOW })),
          requiredRoles: roles,
          now: NOW,
        });
        const { counts, rows } = d;
        expect(counts.passed + counts.failed + counts.waived + counts.inconclusive).toBe(
          counts.total,
        );
        expect(counts.total).toBe(gates.length);
        // The headline's numbers and names are exactly the table's.
        const [first, ...rest] = d.headline.split(/, (?=\d+ )/);
        expect(first).toBe(
          `${rows.filter((r) => r.status === 'passed').length}/${rows.length} gates passed`,
        );
        for (const part of rest) {
          const [, n, st, names] = /^(\d+) (\w+): (.*)$/.exec(part) ?? [];
          const table = rows.filter((r) => r.status === st).map((r) => r.name);
          expect(Number(n)).toBe(table.length);
          expect(names).toBe(table.join(', '));
        }
        const mentioned = rest.reduce((sum, p) => sum + Number(/^(\d+)/.exec(p)?.[1]), 0);
        expect(mentioned).toBe(counts.failed + counts.waived + counts.inconclusive);
        // GO only when nothing blocks and every role signed.
        const go =
          counts.failed + counts.inconclusive === 0 && roles.every((r) => signed.includes(r));
        expect(d.decision === 'GO').toBe(go);
        expect(d.decision === 'NO-GO').toBe(counts.failed + counts.inconclusive > 0);
      }),
      { numRuns: 2_000 },
    );
  });
});
