import { patchWorkload, readWorkload } from '../../adapters/kubernetes/workload.ts';
import { ActionError } from '../action-error.ts';
import { defineAction } from '../define-action.ts';
import { resolveTarget } from '../resolve-target.ts';
import type { ActionContext } from '../types.ts';
import { pods } from './pod-template.ts';
import { RestartParams } from './schema.ts';
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

/** `k8s.restart`: a rolling restart exactly as `kubectl rollout restart` does it. */
export const restart = defineAction<RestartParams>({
  name: 'k8s.restart',
  summary: 'Rolling restart of a Deployment (kubectl rollout restart)',
  params: RestartParams,
  reversible: false,
  irreversible:
    'every pod is replaced by a new one; the old pods and their in-memory state are gone.',

  async plan(ctx, p) {
    const { t, w } = await restartable(ctx, p);
    const last = w.template.metadata?.annotations?.[RESTARTED_AT];
    return {
      summary: `${t.label} rolling restart of ${pods(w.replicas)} (same image, new pods)`,
      diff: [`~ template annotation ${RESTARTED_AT}: ${last ?? '(never restarted)'} → now`],
      affected: pods(w.replicas),
    };
  },

  async apply(ctx, p) {
    const { w } = await restartable(ctx, p);
    const restartedAt = ctx
      .now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
    const body = {
      spec: { template: { metadata: { annotations: { [RESTARTED_AT]: restartedAt } } } },
    };
    await patchWorkload(ctx.kube, w.ref, body, 'application/strategic-merge-patch+json');
    const previous = w.template.metadata?.annotations?.[RESTARTED_AT] ?? null;
    return {
      before: { restartedAt: previous, revision: w.revision ?? null },
      after: { restartedAt },
    };
  },

  async verify(ctx, p, _applied, options = {}) {
    const t = resolveTarget(ctx.catalog, p.service, p.env);
    return waitForRollout(ctx, t.workload, options);
  },
});
