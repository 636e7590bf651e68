import type { Workload } from '../../adapters/kubernetes/types.ts';
import { readWorkload } from '../../adapters/kubernetes/workload.ts';
import { ActionError } from '../action-error.ts';
import { type ResolvedTarget, resolveTarget } from '../resolve-target.ts';
import type { ActionContext } from '../types.ts';
import type { RolloutParams } from './schema.ts';

/** The catalog target's Argo Rollout; a Deployment is refused with what to use instead. */
export async function readRollout(
  ctx: ActionContext,
  p: RolloutParams,
  action: string,
): Promise<{ t: ResolvedTarget; w: Workload }> {
  const t = resolveTarget(ctx.catalog, p.service, p.env);
  if (t.workload.kind !== 'Rollout') {
    throw new ActionError(
      'refused',
      `${t.label} is a ${t.workload.kind}, not an Argo Rollout: ${action} applies to Rollouts only. For a Deployment use k8s.set-image, k8s.rollout-undo or kubectl rollout pause/resume.`,
    );
  }
  return { t, w: await readWorkload(ctx.kube, t.workload) };
}

/** Whether a canary is under way: the current pod template is not the stable one. */
export function canaryInProgress(w: Workload): boolean {
  const { currentPodHash, stableRS } = w.status;
  return currentPodHash !== undefined && currentPodHash !== stableRS;
}

/** `step 1 of 3 (canary 25%)`: where a canary stands. */
export function stepText(w: Workload): string {
  const index = w.status.currentStepIndex ?? 0;
  const weight = w.status.canary?.weights?.canary?.weight;
  return `step ${index} of ${w.steps.length}${weight === undefined ? '' : ` (canary ${weight}%)`}`;
}

/** The revision annotation, for messages. */
export function revisionText(w: Workload): string {
  return w.revision === undefined ? 'its current revision' : `revision ${w.revision}`;
}
