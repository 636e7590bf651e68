import { canaryInProgress } from '../actions/argo/read-rollout.ts';
import { resolveTarget } from '../actions/resolve-target.ts';
import type { ActionContext } from '../actions/types.ts';
import { readWorkload } from '../adapters/kubernetes/workload.ts';
import type { StepRequest } from '../runs/types.ts';

/** The action a rollback run consists of. */
export const ROLLBACK_ACTION = 'k8s.rollout-undo';

/**
 * The steps of `/mc rollback`: an undo to the previous (or `--to`) revision; for an Argo
 * Rollout in the middle of a canary (no `--to`), first `argo.abort` so traffic goes back to
 * stable at once, then the undo that puts the stable template back (Argo skips the steps).
 */
export async function rollbackSteps(
  ctx: ActionContext,
  params: { service: string; env: string; toRevision?: number },
): Promise<StepRequest[]> {
  const undo = { action: ROLLBACK_ACTION, params };
  if (params.toRevision !== undefined) return [undo];
  const target = resolveTarget(ctx.catalog, params.service, params.env);
  if (target.workload.kind !== 'Rollout') return [undo];
  const w = await readWorkload(ctx.kube, target.workload);
  if (!canaryInProgress(w) || w.status.abort) return [undo];
  return [{ action: 'argo.abort', params: { service: params.service, env: params.env } }, undo];
}
