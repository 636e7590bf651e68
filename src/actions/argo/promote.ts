import { patchWorkload, readWorkload } from '../../adapters/kubernetes/workload.ts';
import { workloadRules } from '../../domain/rbac/rules.ts';
import { defineAction } from '../define-action.ts';
import { applyIntent } from '../intent.ts';
import { rolloutDeadlineMs } from '../kubernetes/wait-for-rollout.ts';
import { pollUntil } from '../poll-until.ts';
import type { ActionContext, Intent } from '../types.ts';
import { canaryBefore, observeCanary } from './canary-state.ts';
import { canaryInProgress, readRollout, revisionText, stepText } from './read-rollout.ts';
import { PromoteParams } from './schema.ts';

const MERGE = 'application/merge-patch+json';

/**
 * Promoted: the canary became stable, or (full) promoteFull is set, or (one step) it left the
 * planned step or its pause. Still at the planned step and pause: not applied.
 */
function observe(ctx: ActionContext, p: PromoteParams, intent: Intent) {
  const label = `${p.service}/${p.env}`;
  return observeCanary(ctx, intent, 'argo.promote', (w, before) => {
    const s = w.status;
    const index = s.currentStepIndex ?? 0;
    const from = before.currentStepIndex ?? 0;
    const unpaused = before.pauseConditions.length > 0 && (s.pauseConditions ?? []).length === 0;
    const promoted = p.full
      ? !canaryInProgress(w) || (s as { promoteFull?: boolean }).promoteFull === true
      : !canaryInProgress(w) || index > from || unpaused;
    if (s.abort) return { state: 'drifted', detail: `${label} was aborted meanwhile` };
    return promoted
      ? { state: 'applied', detail: `${label} promoted: now at ${stepText(w)}` }
      : { state: 'not_applied', detail: `${label} still at ${stepText(w)}` };
  });
}

/** `argo.promote`: moves a canary past its current pause (or all the way, with full). */
export const promote = defineAction<PromoteParams>({
  name: 'argo.promote',
  summary: 'Promote an Argo Rollout canary to the next step, or fully with full: true',
  params: PromoteParams,
  kube: {
    Rollout: [workloadRules.Rollout(['get', 'patch']), workloadRules.Rollout(['patch'], 'status')],
  },
  reversible: false,
  irreversible:
    'Argo has no un-promote: the next step starts at once. To go back to the stable version, use argo.abort.',

  async plan(ctx, p) {
    const { t, w } = await readRollout(ctx, p, 'argo.promote');
    const before = canaryBefore(w);
    if (!canaryInProgress(w)) {
      return {
        summary: `${t.label} has no canary to promote: ${w.status.phase ?? 'unknown'} on ${revisionText(w)}`,
        diff: [],
        noop: true,
        intent: { before, after: before },
      };
    }
    const where = stepText(w);
    const fromStep = before.currentStepIndex ?? 0;
    return {
      summary: p.full
        ? `${t.label} promote fully from ${where}: skip remaining steps, canary becomes stable`
        : `${t.label} promote from ${where} to the next step`,
      diff: [
        ...(w.paused ? ['- spec.paused: true', '+ spec.paused: false'] : []),
        p.full ? '+ status.promoteFull: true' : `~ status: leave ${where}`,
      ],
      affected: `${w.replicas} pods`,
      intent: { before, after: { ...before, promoted: p.full ? 'full' : 'step', fromStep } },
    };
  },

  async apply(ctx, p, intent) {
    const { w, before, reconciled } = await observe(ctx, p, intent);
    return applyIntent(reconciled, intent, async () => {
      // What `kubectl argo rollouts promote` sends (see the emulator's README).
      if (w.paused) await patchWorkload(ctx.kube, w.ref, { spec: { paused: false } }, MERGE);
      const index = before.currentStepIndex ?? 0;
      // Full promotion also clears the pause conditions, as Argo's controller does on promoteFull.
      const status = p.full
        ? { promoteFull: true, pauseConditions: null }
        : before.pauseConditions.length > 0
          ? { pauseConditions: null }
          : { currentStepIndex: Math.min(index + 1, w.steps.length) };
      await patchWorkload(ctx.kube, w.ref, { status }, MERGE, 'status');
      return { promoted: p.full ? 'full' : 'step', fromStep: index };
    });
  },

  async reconcile(ctx, p, intent) {
    return (await observe(ctx, p, intent)).reconciled;
  },

  async verify(ctx, p, applied, options = {}) {
    const { t, w: first } = await readRollout(ctx, p, 'argo.promote');
    const fromStep = (applied.before as { currentStepIndex?: number | null }).currentStepIndex ?? 0;
    return pollUntil(ctx, options, rolloutDeadlineMs(first), async () => {
      const w = await readWorkload(ctx.kube, t.workload);
      const s = w.status;
      if (s.abort || s.phase === 'Degraded')
        return { done: true, ok: false, detail: `${t.label} aborted: ${s.message ?? 'Degraded'}` };
      if (s.phase === 'Healthy' && !canaryInProgress(w))
        return {
          done: true,
          ok: true,
          detail: `${t.label} fully promoted: Healthy on ${revisionText(w)}`,
        };
      const moved = !p.full && (s.currentStepIndex ?? 0) > fromStep;
      return {
        done: moved,
        ok: moved,
        detail: `${t.label} at ${stepText(w)}: ${s.phase ?? 'Progressing'}`,
      };
    });
  },
});
