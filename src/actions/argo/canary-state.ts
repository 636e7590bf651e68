import { z } from 'zod';
import { jsonEqual } from '../../adapters/kubernetes/json.ts';
import type { Workload } from '../../adapters/kubernetes/types.ts';
import { readWorkload } from '../../adapters/kubernetes/workload.ts';
import { WorkloadRefJson } from '../kubernetes/schema.ts';
import { parseBefore } from '../parse-before.ts';
import type { ActionContext, Intent, Reconciled } from '../types.ts';
import { canaryInProgress } from './read-rollout.ts';

/** Where a canary stood when a promote or abort was planned; `podHash` names the canary. */
export const CanaryBefore = z.object({
  workload: WorkloadRefJson,
  paused: z.boolean(),
  abort: z.boolean(),
  phase: z.string().nullable(),
  currentStepIndex: z.int().nullable(),
  pauseConditions: z.array(z.string()),
  podHash: z.string().nullable(),
});
export type CanaryBefore = z.infer<typeof CanaryBefore>;

/** The canary of a Rollout as an intent's `before` records it. */
export function canaryBefore(w: Workload): CanaryBefore {
  const s = w.status;
  return {
    workload: { ...w.ref },
    paused: w.paused,
    abort: s.abort ?? false,
    phase: s.phase ?? null,
    currentStepIndex: s.currentStepIndex ?? null,
    pauseConditions: (s.pauseConditions ?? []).map((c) => c.reason),
    podHash: canaryInProgress(w) ? (s.currentPodHash ?? null) : null,
  };
}

/**
 * Reads the Rollout an intent names and classifies it: a no-op intent (after = before) is
 * applied; a different canary than the one planned (or none any more, and not promoted to
 * stable) is drifted; otherwise `judge` decides between applied and not applied.
 */
export async function observeCanary(
  ctx: ActionContext,
  intent: Intent,
  action: string,
  judge: (w: Workload, before: CanaryBefore) => Reconciled,
): Promise<{ w: Workload; before: CanaryBefore; reconciled: Reconciled }> {
  const before = parseBefore(CanaryBefore, intent.before, action);
  const w = await readWorkload(ctx.kube, before.workload);
  const label = `${w.ref.namespace}/${w.ref.name}`;
  if (jsonEqual(intent.before, intent.after)) {
    return { w, before, reconciled: { state: 'applied', detail: `${label}: nothing to do` } };
  }
  const s = w.status;
  const sameCanary = canaryInProgress(w) && s.currentPodHash === before.podHash;
  const promoted = !canaryInProgress(w) && s.stableRS === before.podHash;
  if (!sameCanary && !promoted && !s.abort) {
    const now = canaryInProgress(w)
      ? `canary ${s.currentPodHash}`
      : `no canary (${s.phase ?? '?'})`;
    const detail = `${label} now has ${now}; the plan was for canary ${before.podHash ?? '?'}`;
    return { w, before, reconciled: { state: 'drifted', detail } };
  }
  return { w, before, reconciled: judge(w, before) };
}
