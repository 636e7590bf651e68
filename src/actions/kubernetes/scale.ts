import { rolloutStatus } from '../../adapters/kubernetes/rollout-status.ts';
import type { Workload, WorkloadRef } from '../../adapters/kubernetes/types.ts';
import { readWorkload, scaleWorkload } from '../../adapters/kubernetes/workload.ts';
import { workloadRules } from '../../domain/rbac/rules.ts';
import { ActionError } from '../action-error.ts';
import { defineAction } from '../define-action.ts';
import { applyIntent, classify } from '../intent.ts';
import { parseBefore } from '../parse-before.ts';
import { pollUntil } from '../poll-until.ts';
import { resolveTarget } from '../resolve-target.ts';
import type { ActionContext, Intent, VerifyOptions, VerifyResult } from '../types.ts';
import { MAX_REPLICAS, ScaleBefore, ScaleParams } from './schema.ts';
import { rolloutDeadlineMs } from './wait-for-rollout.ts';

/** The replica count a change asks for, refused outside 0..MAX_REPLICAS. */
function targetCount(label: string, live: number, change: ScaleParams['replicas']): number {
  const wanted = change.relative ? live + change.delta : change.count;
  if (wanted < 0 || wanted > MAX_REPLICAS) {
    throw new ActionError(
      'refused',
      `${label} has ${live} replicas; ${change.relative ? `${change.delta > 0 ? '+' : ''}${change.delta} ` : ''}would make ${wanted}, outside 0 to ${MAX_REPLICAS}.`,
    );
  }
  return wanted;
}

/** Waits until every wanted replica is available and no extra pod is left. */
function waitForReplicas(
  ctx: ActionContext,
  ref: WorkloadRef,
  wanted: number,
  options: VerifyOptions,
  first: Workload,
): Promise<VerifyResult> {
  return pollUntil(ctx, options, rolloutDeadlineMs(first), async () => {
    const w = await readWorkload(ctx.kube, ref);
    const s = w.status;
    const available = s.availableReplicas ?? 0;
    const detail = `${available}/${wanted} replicas available (${s.replicas ?? 0} running)`;
    if (w.replicas !== wanted) {
      return {
        done: true,
        ok: false,
        detail: `replicas changed to ${w.replicas} meanwhile (an autoscaler or someone else)`,
      };
    }
    const status = rolloutStatus(w);
    if (status.state === 'failed')
      return { done: true, ok: false, detail: `${detail}: ${status.message}` };
    const observed = Number(s.observedGeneration ?? 0) >= w.generation;
    const done = observed && available === wanted && (s.replicas ?? 0) === wanted;
    return { done, ok: done, detail };
  });
}

/** The live workload and where its replica count stands between the planned two. */
async function observe(ctx: ActionContext, p: ScaleParams, intent: Intent) {
  const before = parseBefore(ScaleBefore, intent.before, 'k8s.scale');
  const after = parseBefore(ScaleBefore, intent.after, 'k8s.scale');
  const w = await readWorkload(ctx.kube, before.workload);
  const planned = { before: before.replicas, after: after.replicas };
  const reconciled = classify(`${p.service}/${p.env} replicas`, w.replicas, planned, String);
  return { w, after, reconciled };
}

/** `k8s.scale`: sets replicas (absolute or relative) through the scale subresource. */
export const scale = defineAction<ScaleParams>({
  name: 'k8s.scale',
  summary: 'Scale a service to a number of replicas (6) or by a change (+2, -1)',
  params: ScaleParams,
  kube: {
    Deployment: [workloadRules.Deployment(['get']), workloadRules.Deployment(['patch'], 'scale')],
    Rollout: [workloadRules.Rollout(['get']), workloadRules.Rollout(['patch'], 'scale')],
  },
  reversible: true,

  async plan(ctx, p) {
    const t = resolveTarget(ctx.catalog, p.service, p.env);
    const w = await readWorkload(ctx.kube, t.workload);
    const wanted = targetCount(t.label, w.replicas, p.replicas);
    // A relative change (+2) is pinned here: apply sets this count, not "+2 again".
    const intent = {
      before: { workload: { ...w.ref }, replicas: w.replicas },
      after: { workload: { ...w.ref }, replicas: wanted },
    };
    if (wanted === w.replicas) {
      return {
        summary: `${t.label} already has ${wanted} replicas; nothing to change`,
        diff: [],
        noop: true,
        intent,
      };
    }
    const delta = wanted - w.replicas;
    return {
      summary: `${t.label} replicas ${w.replicas} → ${wanted}`,
      diff: [`- replicas: ${w.replicas}`, `+ replicas: ${wanted}`],
      affected: `${Math.abs(delta)} pod${Math.abs(delta) === 1 ? '' : 's'} ${delta > 0 ? 'started' : 'stopped'}`,
      ...(wanted === 0 ? { warnings: [`${t.label} will have no pods: it stops serving.`] } : {}),
      intent,
    };
  },

  async apply(ctx, p, intent) {
    const { w, after, reconciled } = await observe(ctx, p, intent);
    return applyIntent(reconciled, intent, async () => {
      const now = await scaleWorkload(ctx.kube, w.ref, after.replicas, w.resourceVersion);
      return { workload: { ...w.ref }, replicas: now };
    });
  },

  async reconcile(ctx, p, intent) {
    return (await observe(ctx, p, intent)).reconciled;
  },

  async verify(ctx, p, applied, options = {}) {
    const after = parseBefore(ScaleBefore, applied.after, 'k8s.scale');
    const first = await readWorkload(ctx.kube, after.workload);
    const result = await waitForReplicas(ctx, after.workload, after.replicas, options, first);
    return { ...result, detail: `${p.service}/${p.env}: ${result.detail}` };
  },

  async revert(ctx, p, raw) {
    const before = parseBefore(ScaleBefore, raw, 'k8s.scale');
    const w = await readWorkload(ctx.kube, before.workload);
    if (w.replicas !== before.replicas) await scaleWorkload(ctx.kube, w.ref, before.replicas);
    const result = await waitForReplicas(ctx, w.ref, before.replicas, {}, w);
    if (!result.ok) {
      throw new ActionError(
        'unhealthy',
        `${p.service}/${p.env} scaled back to ${before.replicas} but ${result.detail}`,
      );
    }
  },
});
