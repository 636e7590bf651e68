import { z } from 'zod';
import { patchWorkload, readWorkload } from '../../adapters/kubernetes/workload.ts';
import { workloadRules } from '../../domain/rbac/rules.ts';
import { ActionError } from '../action-error.ts';
import { defineAction } from '../define-action.ts';
import { applyIntent, classify } from '../intent.ts';
import { parseBefore } from '../parse-before.ts';
import { resolveTarget } from '../resolve-target.ts';
import type { ActionContext, Intent } from '../types.ts';
import { pods } from './pod-template.ts';
import { RestartParams, WorkloadRefJson } from './schema.ts';
import { waitForRollout } from './wait-for-rollout.ts';

const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

async function restartable(ctx: ActionContext, p: RestartParams) {
  const t = resolveTarget(ctx.catalog, p.service, p.env);
  if (t.workload.kind === 'Rollout') {
    throw new ActionError(
      'refused',
      `${t.label} is an Argo Rollout: a template change would start a canary. Use \`kubectl argo rollouts restart ${t.workload.name} -n ${t.workload.namespace}\` instead.`,
    );
  }
  const w = await readWorkload(ctx.kube, t.workload);
  if (w.paused) {
    throw new ActionError(
      'refused',
      `${t.label} is paused; resume it before restarting (a paused Deployment does not roll).`,
    );
  }
  return { t, w };
}

const Stamp = z.object({ workload: WorkloadRefJson, restartedAt: z.string().nullable() });

/** The live workload and where its restart stamp stands between the planned two. */
async function observe(ctx: ActionContext, p: RestartParams, intent: Intent) {
  const before = parseBefore(Stamp, intent.before, 'k8s.restart');
  const after = parseBefore(Stamp.extend({ restartedAt: z.string() }), intent.after, 'k8s.restart');
  const w = await readWorkload(ctx.kube, before.workload);
  const live = w.template.metadata?.annotations?.[RESTARTED_AT] ?? null;
  const show = (stamp: string | null) => stamp ?? '(never restarted)';
  const what = `${p.service}/${p.env} ${RESTARTED_AT}`;
  const planned = { before: before.restartedAt, after: after.restartedAt };
  return { w, after, reconciled: classify(what, live, planned, show) };
}

/** `k8s.restart`: a rolling restart exactly as `kubectl rollout restart` does it. */
export const restart = defineAction<RestartParams>({
  name: 'k8s.restart',
  summary: 'Rolling restart of a Deployment (kubectl rollout restart)',
  params: RestartParams,
  kube: { Deployment: [workloadRules.Deployment(['get', 'patch'])] },
  reversible: false,
  irreversible:
    'every pod is replaced by a new one; the old pods and their in-memory state are gone.',

  async plan(ctx, p) {
    const { t, w } = await restartable(ctx, p);
    const last = w.template.metadata?.annotations?.[RESTARTED_AT];
    // The restart's stamp is fixed now, so a retry finds its own restart instead of a second one.
    const restartedAt = ctx
      .now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
    return {
      summary: `${t.label} rolling restart of ${pods(w.replicas)} (same image, new pods)`,
      diff: [`~ template annotation ${RESTARTED_AT}: ${last ?? '(never restarted)'} → now`],
      affected: pods(w.replicas),
      intent: {
        before: { workload: { ...w.ref }, restartedAt: last ?? null, revision: w.revision ?? null },
        after: { workload: { ...w.ref }, restartedAt },
      },
    };
  },

  async apply(ctx, p, intent) {
    const { w, after, reconciled } = await observe(ctx, p, intent);
    return applyIntent(reconciled, intent, async () => {
      const { w: live } = await restartable(ctx, p);
      const annotations = { [RESTARTED_AT]: after.restartedAt };
      const body = { spec: { template: { metadata: { annotations } } } };
      await patchWorkload(ctx.kube, live.ref, body, 'application/strategic-merge-patch+json');
      return { restartedAt: after.restartedAt, revision: w.revision ?? null };
    });
  },

  async reconcile(ctx, p, intent) {
    return (await observe(ctx, p, intent)).reconciled;
  },

  async verify(ctx, p, _applied, options = {}) {
    const t = resolveTarget(ctx.catalog, p.service, p.env);
    return waitForRollout(ctx, t.workload, options);
  },
});
