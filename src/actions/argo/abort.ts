import { patchWorkload, readWorkload } from '../../adapters/kubernetes/workload.ts';
import { workloadRules } from '../../domain/rbac/rules.ts';
import { defineAction } from '../define-action.ts';
import { applyIntent } from '../intent.ts';
import { rolloutDeadlineMs } from '../kubernetes/wait-for-rollout.ts';
import { pollUntil } from '../poll-until.ts';
import type { ActionContext, Intent } from '../types.ts';
import { canaryBefore, observeCanary } from './canary-state.ts';
import { canaryInProgress, readRollout, stepText } from './read-rollout.ts';
import { RolloutParams } from './schema.ts';

/** Aborted (status.abort) is applied; the planned canary still running is not. */
function observe(ctx: ActionContext, p: RolloutParams, intent: Intent) {
  const label = `${p.service}/${p.env}`;
  return observeCanary(ctx, intent, 'argo.abort', (w) =>
    w.status.abort
      ? { state: 'applied', detail: `${label} is aborted` }
      : { state: 'not_applied', detail: `${label} canary still at ${stepText(w)}` },
  );
}

/** `argo.abort`: stops a canary; all traffic and pods go back to the stable ReplicaSet. */
export const abort = defineAction<RolloutParams>({
  name: 'argo.abort',
  summary: 'Abort an Argo Rollout canary: scale it down and send everything back to stable',
  params: RolloutParams,
  kube: { Rollout: [workloadRules.Rollout(['get']), workloadRules.Rollout(['patch'], 'status')] },
  reversible: false,
  irreversible:
    'Argo cannot resume an aborted canary where it stopped; retrying restarts it from step 0 as a new decision.',

  async plan(ctx, p) {
    const { t, w } = await readRollout(ctx, p, 'argo.abort');
    const before = canaryBefore(w);
    if (w.status.abort || !canaryInProgress(w)) {
      const intent = { before, after: before };
      return w.status.abort
        ? {
            summary: `${t.label} is already aborted: ${w.status.message ?? ''}`.trim(),
            diff: [],
            noop: true,
            intent,
          }
        : {
            summary: `${t.label} has no canary in progress to abort (${w.status.phase ?? 'unknown'})`,
            diff: [],
            noop: true,
            intent,
          };
    }
    return {
      summary: `${t.label} abort the canary at ${stepText(w)}: stable takes all ${w.replicas} pods back`,
      diff: ['+ status.abort: true'],
      affected: `${w.replicas} pods (canary pods stop)`,
      intent: { before, after: { ...before, abort: true } },
    };
  },

  async apply(ctx, p, intent) {
    const { w, reconciled } = await observe(ctx, p, intent);
    return applyIntent(reconciled, intent, async () => {
      const body = { status: { abort: true } };
      await patchWorkload(ctx.kube, w.ref, body, 'application/merge-patch+json', 'status');
      return undefined;
    });
  },

  async reconcile(ctx, p, intent) {
    return (await observe(ctx, p, intent)).reconciled;
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
