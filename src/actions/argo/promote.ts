import { patchWorkload, readWorkload } from '../../adapters/kubernetes/workload.ts';
import { defineAction } from '../define-action.ts';
import { rolloutDeadlineMs } from '../kubernetes/wait-for-rollout.ts';
import { pollUntil } from '../poll-until.ts';
import { canaryInProgress, readRollout, revisionText, stepText } from './read-rollout.ts';
import { PromoteParams } from './schema.ts';

const MERGE = 'application/merge-patch+json';

/** `argo.promote`: moves a canary past its current pause (or all the way, with full). */
export const promote = defineAction<PromoteParams>({
  name: 'argo.promote',
  summary: 'Promote an Argo Rollout canary to the next step, or fully with full: true',
  params: PromoteParams,
  reversible: false,
  irreversible:
    'Argo has no un-promote: the next step starts at once. To go back to the stable version, use argo.abort.',

  async plan(ctx, p) {
    const { t, w } = await readRollout(ctx, p, 'argo.promote');
    if (!canaryInProgress(w)) {
      return {
        summary: `${t.label} has no canary to promote: ${w.status.phase ?? 'unknown'} on ${revisionText(w)}`,
        diff: [],
        noop: true,
      };
    }
    const where = stepText(w);
    return {
      summary: p.full
        ? `${t.label} promote fully from ${where}: skip remaining steps, canary becomes stable`
        : `${t.label} promote from ${where} to the next step`,
      diff: [
        ...(w.paused ? ['- spec.paused: true', '+ spec.paused: false'] : []),
        p.full ? '+ status.promoteFull: true' : `~ status: leave ${where}`,
      ],
      affected: `${w.replicas} pods`,
    };
  },

  async apply(ctx, p) {
    const { w } = await readRollout(ctx, p, 'argo.promote');
    const s = w.status;
    const before = {
      paused: w.paused,
      phase: s.phase ?? null,
      currentStepIndex: s.currentStepIndex ?? null,
      pauseConditions: (s.pauseConditions ?? []).map((c) => c.reason),
    };
    if (!canaryInProgress(w)) return { before, after: before };
    // What `kubectl argo rollouts promote` sends (see the emulator's README).
    if (w.paused) await patchWorkload(ctx.kube, w.ref, { spec: { paused: false } }, MERGE);
    const index = s.currentStepIndex ?? 0;
    // Full promotion also clears the pause conditions, as Argo's controller does on promoteFull.
    const status = p.full
      ? { promoteFull: true, pauseConditions: null }
      : (s.pauseConditions?.length ?? 0) > 0
        ? { pauseConditions: null }
        : { currentStepIndex: Math.min(index + 1, w.steps.length) };
    await patchWorkload(ctx.kube, w.ref, { status }, MERGE, 'status');
    return { before, after: { promoted: p.full ? 'full' : 'step', fromStep: index } };
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
