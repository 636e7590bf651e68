import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEPLOY_KINDS, DEPLOY_OUTCOMES } from '../../src/domain/deploys/deploy-record.ts';
import { computeDora, isDeployment } from '../../src/dora/compute-dora.ts';
import type { DoraChange, DoraIncident, DoraInput } from '../../src/dora/schema.ts';

const START = Date.parse('2026-11-01T00:00:00Z');
const SPAN = 20 * 86_400_000;
const since = new Date(START + 3 * 86_400_000);
const until = new Date(START + 17 * 86_400_000);
const iso = (offset: number) => new Date(START + offset).toISOString();

const target = fc.record({
  service: fc.constantFrom('checkout', 'payments'),
  env: fc.constantFrom('staging', 'prod'),
});
const change: fc.Arbitrary<DoraChange> = fc
  .record({
    target,
    kind: fc.constantFrom(...DEPLOY_KINDS),
    outcome: fc.constantFrom(...DEPLOY_OUTCOMES),
    at: fc.integer({ min: 0, max: SPAN }),
    lead: fc.option(fc.integer({ min: 0, max: 5 * 86_400_000 }), { nil: undefined }),
    version: fc.constantFrom('1.0.0', '1.1.0', '1.2.0', '2.0.0'),
  })
  .map(({ target: t, kind, outcome, at, lead, version }) => ({
    ...t,
    kind,
    outcome,
    to: version,
    at: iso(at),
    by: 'U01ALICE01',
    ...(lead === undefined ? {} : { commitAt: iso(at - lead) }),
  }));
const incident: fc.Arbitrary<DoraIncident> = fc
  .record({
    target,
    opened: fc.integer({ min: 0, max: SPAN }),
    duration: fc.option(fc.integer({ min: 0, max: 86_400_000 }), { nil: undefined }),
    ref: fc.option(fc.constantFrom('1.0.0', '1.1.0', '1.2.0', '2.0.0'), { nil: undefined }),
  })
  .map(({ target: t, opened, duration, ref }) => ({
    ...t,
    openedAt: iso(opened),
    ...(duration === undefined ? {} : { resolvedAt: iso(opened + duration) }),
    ...(ref === undefined ? {} : { changeRef: ref }),
  }));
const input: fc.Arbitrary<DoraInput> = fc.record({
  changes: fc.array(change, { maxLength: 40 }),
  incidents: fc.array(incident, { maxLength: 15 }),
});

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('dora/compute-dora', () => {
  it('keeps the change failure rate in [0, 1] with failed ≤ total, null only without deploys', () => {
    fc.assert(
      fc.property(input, (data) => {
        const { report } = computeDora(data, { since, until });
        for (const m of [report.overall, ...report.services]) {
          const { ratio, failed, total } = m.changeFailureRate;
          expect(failed).toBeLessThanOrEqual(total);
          expect(total).toBe(m.deploymentFrequency.count);
          if (total === 0) expect(ratio).toBeNull();
          else {
            expect(ratio).toBeGreaterThanOrEqual(0);
            expect(ratio).toBeLessThanOrEqual(1);
          }
        }
      }),
    );
  });

  it('never counts a rollback, revert or any other kind as a deployment', () => {
    fc.assert(
      fc.property(input, fc.array(change, { maxLength: 10 }), (data, extra) => {
        const undos = extra.map((c) => ({
          ...c,
          kind: c.kind === 'deploy' ? ('rollback' as const) : c.kind,
        }));
        const before = computeDora(data, { since, until });
        const after = computeDora(
          { ...data, changes: [...data.changes, ...undos] },
          { since, until },
        );
        expect(after.report.overall.deploymentFrequency.count).toBe(
          before.report.overall.deploymentFrequency.count,
        );
        expect(after.evidence.deployments.every((d) => d.kind === 'deploy')).toBe(true);
        // Undoing can only add failures.
        expect(after.report.overall.changeFailureRate.failed).toBeGreaterThanOrEqual(
          before.report.overall.changeFailureRate.failed,
        );
      }),
    );
  });

  it('counts exactly the deployments in the window, and the groups add up to overall', () => {
    fc.assert(
      fc.property(input, (data) => {
        const { report, evidence } = computeDora(data, { since, until });
        const expected = data.changes.filter(
          (c) => isDeployment(c) && Date.parse(c.at) >= +since && Date.parse(c.at) < +until,
        );
        expect(report.overall.deploymentFrequency.count).toBe(expected.length);
        expect(evidence.deployments).toHaveLength(expected.length);
        const groups = report.services;
        expect(sum(groups.map((g) => g.deploymentFrequency.count))).toBe(expected.length);
        expect(sum(groups.map((g) => g.changeFailureRate.failed))).toBe(
          report.overall.changeFailureRate.failed,
        );
        expect(sum(groups.map((g) => g.leadTime.n))).toBe(report.overall.leadTime.n);
        expect(sum(groups.map((g) => g.timeToRestore.n))).toBe(report.overall.timeToRestore.n);
        expect(report.overall.deploymentFrequency.perWeek).toBeCloseTo(expected.length / 2, 10);
      }),
    );
  });

  it('keeps medians within the values and never above the p90', () => {
    fc.assert(
      fc.property(input, (data) => {
        const { report } = computeDora(data, { since, until });
        for (const m of [report.overall, ...report.services]) {
          for (const d of [m.leadTime, m.timeToRestore]) {
            if (d.n === 0) {
              expect(d.medianSeconds).toBeNull();
              continue;
            }
            expect(d.medianSeconds).toBeGreaterThanOrEqual(0);
            expect(d.medianSeconds).toBeLessThanOrEqual(d.p90Seconds as number);
          }
          expect(m.leadTime.n).toBeLessThanOrEqual(m.deploymentFrequency.count);
        }
      }),
    );
  });

  it('lists every failure it counts in the evidence, with a reason', () => {
    fc.assert(
      fc.property(input, (data) => {
        const { report, evidence } = computeDora(data, { since, until });
        expect(evidence.failures).toHaveLength(report.overall.changeFailureRate.failed);
        for (const f of evidence.failures) expect(f.reasons.length).toBeGreaterThan(0);
      }),
    );
  });

  it('refuses an empty window', () => {
    expect(() => computeDora({ changes: [], incidents: [] }, { since: until, until })).toThrow(
      /--since must be before --until/,
    );
  });
});
