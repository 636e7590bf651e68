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
 * Waits like `kubectl rollout status`: ok once complete, failed on a deadline exceeded or an
 * aborted Rollout. A Rollout stopped at a canary pause step counts as done (the change is
 * live on the canary; argo.promote continues it); a manual pause fails, as nothing moves.
 */
export async function waitForRollout(
  ctx: ActionContext,
  ref: WorkloadRef,
  options: VerifyOptions = {},
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
        ? 'the canary waits for argo.promote'
        : `resume it (${ref.kind === 'Rollout' ? 'argo.resume' : 'kubectl rollout resume'}) to continue`;
      return { done: true, ok: canaryStep, detail: `${status.message}; ${next}` };
    }
    return { done: false, ok: false, detail: status.message };
  });
}
