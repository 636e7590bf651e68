import { z } from 'zod';
import { deletePod, listWorkloadPods, type PodState } from '../../adapters/kubernetes/pods.ts';
import { readWorkload } from '../../adapters/kubernetes/workload.ts';
import { workloadRules } from '../../domain/rbac/rules.ts';
import type { KubeRule } from '../../domain/rbac/types.ts';
import { ActionError } from '../action-error.ts';
import { defineAction } from '../define-action.ts';
import { applyIntent } from '../intent.ts';
import { parseBefore } from '../parse-before.ts';
import { resolveTarget } from '../resolve-target.ts';
import type { ActionContext, Intent, Reconciled } from '../types.ts';
import { pods } from './pod-template.ts';
import { DeletePodsParams, WorkloadRefJson } from './schema.ts';

/** How many of `total` pods the params ask for: a count, or a share rounded up (≥ 1). */
export function podsToDelete(p: DeletePodsParams, total: number): number {
  const wanted = p.count ?? Math.max(1, Math.ceil(((p.percent ?? 0) * total) / 100));
  return Math.min(wanted, total);
}

/** The live, not-terminating pods and the oldest `n` of them that the action would delete. */
async function victims(ctx: ActionContext, p: DeletePodsParams) {
  const t = resolveTarget(ctx.catalog, p.service, p.env);
  const w = await readWorkload(ctx.kube, t.workload);
  const live = (await listWorkloadPods(ctx.kube, w)).filter((pod) => !pod.terminating);
  if (live.length === 0) {
    throw new ActionError('refused', `${t.label} has no running pods to delete.`);
  }
  const chosen: PodState[] = live.slice(0, podsToDelete(p, live.length));
  return { t, w, live, chosen };
}

const Victims = z.object({ workload: WorkloadRefJson, pods: z.array(z.string()) });

/**
 * Which of the planned pods still serve. None: applied. Some or all: not applied yet (a crash
 * between two deletions leaves some; apply deletes the rest). The pods never come back, so a
 * delete cannot drift.
 */
async function observe(ctx: ActionContext, p: DeletePodsParams, intent: Intent) {
  const before = parseBefore(Victims, intent.before, 'k8s.delete-pods');
  const w = await readWorkload(ctx.kube, before.workload);
  const serving = new Set(
    (await listWorkloadPods(ctx.kube, w)).filter((pod) => !pod.terminating).map((x) => x.name),
  );
  const left = before.pods.filter((name) => serving.has(name));
  const label = `${p.service}/${p.env}`;
  const reconciled: Reconciled =
    left.length === 0
      ? { state: 'applied', detail: `${label}: ${pods(before.pods.length)} deleted` }
      : {
          state: 'not_applied',
          detail: `${label}: ${left.join(', ')} still running (${before.pods.length - left.length} of ${before.pods.length} deleted)`,
        };
  return { before, left, reconciled };
}

/** Lists the workload's pods to pick some, then deletes those (any name: pods come and go). */
const PODS: KubeRule = { apiGroup: '', resource: 'pods', verbs: ['list', 'delete'] };

/**
 * `k8s.delete-pods`: deletes some pods of a service (a pod-kill drill), gracefully, so the
 * workload's controller replaces them. What was deleted cannot be brought back.
 */
export const deletePods = defineAction<DeletePodsParams>({
  name: 'k8s.delete-pods',
  summary: 'Delete some pods of a service (count or percent); its controller replaces them',
  params: DeletePodsParams,
  kube: {
    Deployment: [workloadRules.Deployment(['get']), PODS],
    Rollout: [workloadRules.Rollout(['get']), PODS],
  },
  reversible: false,
  irreversible: 'deleted pods are gone; their controller starts new ones in their place.',

  async plan(ctx, p) {
    const { t, w, live, chosen } = await victims(ctx, p);
    const names = chosen.map((c) => c.name);
    return {
      summary: `${t.label} delete ${pods(chosen.length)} of ${live.length} (${names.join(', ')})`,
      diff: chosen.map((c) => `- pod ${c.name}`),
      affected: `${chosen.length} of ${w.replicas} wanted replicas until replaced`,
      ...(chosen.length === live.length
        ? { warnings: [`Every pod of ${t.label} is deleted: it stops serving until replaced.`] }
        : {}),
      // The pods are named here: a retry deletes what is left of these, never new victims.
      intent: {
        before: { workload: { ...w.ref }, replicas: w.replicas, live: live.length, pods: names },
        after: { deleted: names },
      },
    };
  },

  async apply(ctx, p, intent) {
    const { before, left, reconciled } = await observe(ctx, p, intent);
    const where = { context: before.workload.context, namespace: before.workload.namespace };
    return applyIntent(reconciled, intent, async () => {
      for (const name of left) await deletePod(ctx.kube, where, name);
      return undefined;
    });
  },

  async reconcile(ctx, p, intent) {
    return (await observe(ctx, p, intent)).reconciled;
  },

  async verify(ctx, p, applied) {
    // The fault took when none of the deleted pods is still serving (gone or terminating).
    const t = resolveTarget(ctx.catalog, p.service, p.env);
    const w = await readWorkload(ctx.kube, t.workload);
    const deleted = new Set((applied.after as { deleted?: string[] } | null)?.deleted ?? []);
    const left = (await listWorkloadPods(ctx.kube, w)).filter(
      (pod) => deleted.has(pod.name) && !pod.terminating,
    );
    return left.length === 0
      ? { ok: true, detail: `${t.label}: ${pods(deleted.size)} deleted` }
      : { ok: false, detail: `${t.label}: ${left.map((x) => x.name).join(', ')} still running` };
  },
});
