import { z } from 'zod';
import { asRecord } from '../commands/loose.ts';
import { Duration, Slug, Text } from '../commands/schema.ts';
import { parseDuration } from '../commands/value-types.ts';
import { playbookBase } from './playbook-base.ts';

const Comparison = z.enum(['<', '<=', '>', '>=']);

/** A PromQL check; `{{ service }}` and `{{ env }}` are filled in before it is asked. */
export const DrillQuery = z.strictObject({
  query: Text,
  comparison: Comparison,
  threshold: z.number(),
  description: Text.optional(),
});
export type DrillQuery = z.infer<typeof DrillQuery>;

/** Delete `count` pods, or `percent` of them (rounded up), of the service's workload. */
export const PodKillFault = z
  .strictObject({
    kind: z.literal('pod-kill'),
    count: z.int().min(1).max(100).optional(),
    percent: z.int().min(1).max(100).optional(),
  })
  .refine((f) => (f.count === undefined) !== (f.percent === undefined), {
    message: 'must set exactly one of count or percent',
  });

/** Scale a dependency of the service (catalog `dependencies`, or `--dependency`) to zero. */
export const DependencyOutageFault = z.strictObject({ kind: z.literal('dependency-outage') });

/** Roll the service back one revision (a run), then forward again (another run). */
export const RollbackRehearsalFault = z.strictObject({ kind: z.literal('rollback-rehearsal') });

/** Set a ConfigMap key (a kill switch or feature flag) to `value`; restore sets it back. */
export const KillSwitchFault = z.strictObject({
  kind: z.literal('kill-switch'),
  configMap: Text,
  key: Text,
  value: z.string(),
});

export const DrillFault = z.discriminatedUnion('kind', [
  PodKillFault,
  DependencyOutageFault,
  RollbackRehearsalFault,
  KillSwitchFault,
]);
export type DrillFault = z.infer<typeof DrillFault>;

/**
 * When the system counts as recovered:
 * - `replicas-available`: every wanted pod of `of` (the service, or the dependency) is ready,
 *   and none of them is one the fault deleted;
 * - `rollout-complete`: the rollback run's rollout finished healthy (the engine verified it);
 * - `promql`: the query holds (a kill switch took effect).
 */
export const RecoveryCondition = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('replicas-available'),
    of: z.enum(['service', 'dependency']).default('service'),
  }),
  z.strictObject({ kind: z.literal('rollout-complete') }),
  z.strictObject({ kind: z.literal('promql'), ...DrillQuery.shape }),
]);
export type RecoveryCondition = z.infer<typeof RecoveryCondition>;

/**
 * How the fault is undone: `revert` puts back what the fault run changed through a restore
 * run of the engine; `await-recovery` has nothing to put back (Kubernetes replaces deleted
 * pods) and only checks that recovery happened by the deadline.
 */
export const DrillRestore = z.strictObject({
  kind: z.enum(['revert', 'await-recovery']),
  description: Text,
});

/** A fault to inject, how recovery is measured, and how to restore. */
export const DrillPlaybook = z
  .strictObject({
    ...playbookBase,
    kind: z.literal('drill'),
    /** Where the drill may run; any other environment is refused. */
    environments: z.array(Slug).min(1),
    fault: DrillFault,
    recovery: z.strictObject({
      condition: RecoveryCondition,
      /** Recovery-time objective: fault (or restore, for held faults) → recovered. */
      rto: Duration,
    }),
    /**
     * Keep the fault for the whole `--duration` (a dependency outage), instead of restoring
     * as soon as recovery was measured.
     */
    hold: z.boolean().default(false),
    /** The restore deadline after the fault, whatever `--duration` says. */
    maxDuration: Duration,
    restore: DrillRestore,
    /** Sample the service's SLO queries (catalog) while the drill runs: its SLO impact. */
    watchSlo: z.boolean().default(true),
  })
  .superRefine(checkDrill, { when: () => true });
export type DrillPlaybook = z.infer<typeof DrillPlaybook>;

/** Which recovery conditions and restores fit which fault: a wrong pair cannot be measured. */
const FITS: Record<string, { recovery: string[]; restore: string[] }> = {
  'pod-kill': { recovery: ['replicas-available'], restore: ['await-recovery'] },
  'dependency-outage': { recovery: ['replicas-available'], restore: ['revert'] },
  'rollback-rehearsal': { recovery: ['rollout-complete'], restore: ['revert'] },
  'kill-switch': { recovery: ['promql'], restore: ['revert'] },
};

/** Rules across fields, read loosely so they run even when other fields failed. */
function checkDrill(raw: unknown, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: 'custom', path, message });
  const p = asRecord(raw);
  const fault = String(asRecord(p.fault).kind ?? '');
  const fits = FITS[fault];
  const recovery = asRecord(asRecord(p.recovery).condition);
  const restore = String(asRecord(p.restore).kind ?? '');
  if (fits && typeof recovery.kind === 'string' && !fits.recovery.includes(recovery.kind)) {
    issue(
      ['recovery', 'condition', 'kind'],
      `cannot measure a ${fault} fault; use ${fits.recovery.join(' or ')}`,
    );
  }
  if (fits && restore && !fits.restore.includes(restore)) {
    issue(['restore', 'kind'], `cannot undo a ${fault} fault; use ${fits.restore.join(' or ')}`);
  }
  // The runner watches the fault's target: `of` must name it, so the file says what is measured.
  if (recovery.kind === 'replicas-available') {
    if (fault === 'dependency-outage' && recovery.of !== 'dependency') {
      issue(['recovery', 'condition', 'of'], 'must be dependency: the dependency is what recovers');
    } else if (fault === 'pod-kill' && recovery.of === 'dependency') {
      issue(
        ['recovery', 'condition', 'of'],
        'must be service: a pod-kill recovers the service whose pods it deleted',
      );
    }
  }
  const rto = parseDuration(String(asRecord(p.recovery).rto ?? ''));
  const max = parseDuration(String(p.maxDuration ?? ''));
  if (rto !== undefined && max !== undefined && rto > max) {
    issue(['recovery', 'rto'], 'must not exceed maxDuration: the drill is restored by then');
  }
  if (p.hold === true && fault !== 'dependency-outage') {
    issue(['hold'], `only a dependency-outage holds its fault; a ${fault} ends once measured`);
  }
}
