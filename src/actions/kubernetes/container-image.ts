import type { Workload } from '../../adapters/kubernetes/types.ts';
import { containerOf, patchWorkload } from '../../adapters/kubernetes/workload.ts';
import type { ActionContext } from '../types.ts';

/**
 * Sets one container's image with a JSON patch that first tests the container's name and
 * current image: if either changed since `workload` was read, the API server refuses (422)
 * instead of overwriting someone else's change. Works for Deployments and Rollouts alike.
 */
export async function setContainerImage(
  ctx: ActionContext,
  workload: Workload,
  container: string,
  image: string,
): Promise<Workload> {
  const { index, container: live } = containerOf(workload, container);
  const path = `/spec/template/spec/containers/${index}`;
  const patch = [
    { op: 'test', path: `${path}/name`, value: container },
    ...(live.image === undefined ? [] : [{ op: 'test', path: `${path}/image`, value: live.image }]),
    { op: 'add', path: `${path}/image`, value: image },
  ];
  return patchWorkload(ctx.kube, workload.ref, patch, 'application/json-patch+json');
}
