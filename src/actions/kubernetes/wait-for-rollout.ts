import { rolloutStatus } from '../../adapters/kubernetes/rollout-status.ts';
import type { Workload, WorkloadRef } from '../../adapters/kubernetes/types.ts';
import { readWorkload } from '../../adapters/kubernetes/workload.ts';
import { pollUntil } from '../poll-until.ts';
import type { ActionContext, VerifyOptions, VerifyResult } from '../types.ts';

/** The deadline Kubernetes itself gives a rollout: progressDeadlineSeconds, 600 by default. */
export function rolloutDeadlineMs(workload: Pick<Workload, 'progressDeadlineSeconds'>): number {
  return (workload.progressDeadlineSeconds ?? 600) * 1000;
}

/**
 * Who moves a canary on from a pause: `buttons` (a deploy: the thread offers Promote / Abort)
 * or `mc` (a rollback: mc promotes fully at once, skipping the canary steps; no button).
 */
export type CanaryNext = 'buttons' | 'mc';

/** What happens next at a canary pause step, stated exactly (a timed pause ends on its own). */
export function canaryNextStep(workload: Workload, next: CanaryNext): string {
  if (next === 'mc') {
    return 'mc promotes it fully next: a rollback skips the remaining canary steps, nothing to click';
  }
  const index = workload.status.currentStepIndex;
  const step = index === undefined ? undefined : workload.steps[index];
  const pause = step?.pause as { duration?: number | string } | undefined;
  const duration = pause?.duration;
  if (duration !== undefined) {
    const shown = typeof duration === 'number' ? `${duration}s` : duration;
    return `Argo continues on its own after the ${shown} pause; Promote in the thread skips ahead, Abort returns traffic to stable`;
  }
  return 'the canary holds here until someone clicks Promote in the thread; Abort returns traffic to stable';
}

/**
 * Waits like `kubectl rollout status`: ok once complete, failed on a deadline exceeded or an
 * aborted Rollout. A Rollout stopped at a canary pause step counts as done (the change is
 * live on the canary; `canaryNext` says who moves it on); a manual pause fails, as nothing moves.
 */
export async function waitForRollout(
  ctx: ActionContext,
  ref: WorkloadRef,
  options: VerifyOptions = {},
  canaryNext: CanaryNext = 'buttons',
): Promise<VerifyResult> {
  const first = await readWorkload(ctx.kube, ref);
  let workload: Workload | undefined = first;
  return pollUntil(ctx, options, rolloutDeadlineMs(first), async () => {
    const current = workload ?? (await readWorkload(ctx.kube, ref));
    workload = undefined;
    const status = rolloutStatus(current);
    if (status.state === 'complete') return { done: true, ok: true, detail: status.message };
    if (status.state === 'failed') return { done: true, ok: false, detail: status.message };
    if (status.state === 'paused') {
      const canaryStep = ref.kind === 'Rollout' && !current.paused;
      const next = canaryStep
        ? canaryNextStep(current, canaryNext)
        : `resume it (${ref.kind === 'Rollout' ? 'argo.resume' : 'kubectl rollout resume'}) to continue`;
      return { done: true, ok: canaryStep, detail: `${status.message}; ${next}` };
    }
    return { done: false, ok: false, detail: status.message };
  });
}
