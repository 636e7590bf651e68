import { patchWorkload, readWorkload } from '../../adapters/kubernetes/workload.ts';
import { defineAction } from '../define-action.ts';
import { rolloutDeadlineMs } from '../kubernetes/wait-for-rollout.ts';
import { pollUntil } from '../poll-until.ts';
import { canaryInProgress, readRollout, stepText } from './read-rollout.ts';
import { RolloutParams } from './schema.ts';

/** `argo.abort`: stops a canary; all traffic and pods go back to the stable ReplicaSet. */
export const abort = defineAction<RolloutParams>({
  name: 'argo.abort',
  summary: 'Abort an Argo Rollout canary: scale it down and send everything back to stable',
  params: RolloutParams,
  reversible: false,
  irreversible:
    'Argo cannot resume an aborted canary where it stopped; retrying restarts it from step 0 as a new decision.',

  async plan(ctx, p) {
    const { t, w } = await readRollout(ctx, p, 'argo.abort');
    if (w.status.abort)
      return {
        summary: `${t.label} is already aborted: ${w.status.message ?? ''}`.trim(),
        diff: [],
        noop: true,
      };
    if (!canaryInProgress(w)) {
      return {
        summary: `${t.label} has no canary in progress to abort (${w.status.phase ?? 'unknown'})`,
        diff: [],
        noop: true,
      };
    }
    return {
      summary: `${t.label} abort the canary at ${stepText(w)}: stable takes all ${w.replicas} pods back`,
      diff: ['+ status.abort: true'],
      affected: `${w.replicas} pods (canary pods stop)`,
    };
  },

  async apply(ctx, p) {
    const { w } = await readRollout(ctx, p, 'argo.abort');
    const before = {
      abort: w.status.abort ?? false,
      phase: w.status.phase ?? null,
      currentStepIndex: w.status.currentStepIndex ?? null,
    };
    if (w.status.abort || !canaryInProgress(w)) return { before, after: before };
    await patchWorkload(
      ctx.kube,
      w.ref,
      { status: { abort: true } },
      'application/merge-patch+json',
      'status',
    );
    return { before, after: { abort: true } };
  },

  async verify(ctx, p, _applied, options = {}) {
    const { t, w: first } = await readRollout(ctx, p, 'argo.abort');
    return pollUntil(ctx, options, rolloutDeadlineMs(first), async () => {
      const w = await readWorkload(ctx.kube, t.workload);
      const available = w.status.availableReplicas ?? 0;
      const done =
        w.status.abort === true && w.status.phase === 'Degraded' && available >= w.replicas;
      const detail = done
        ? `${t.label} aborted; stable serves ${available}/${w.replicas} pods`
        : `${t.label} aborting: ${available}/${w.replicas} available (${w.status.phase ?? 'Progressing'})`;
      return { done, ok: done, detail };
    });
  },
});
