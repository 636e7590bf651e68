import { resolveTarget } from '../actions/resolve-target.ts';
import type { KubeClients } from '../adapters/kubernetes/create-kube-clients.ts';
import { containerOf, readWorkload } from '../adapters/kubernetes/workload.ts';
import type { Catalog } from '../config/schema.ts';

/** `shop/checkout` for `shop/checkout:1.4.2`, `reg:5000/app@sha256:…` or `reg:5000/app`. */
export function imageRepository(image: string): string {
  const at = image.indexOf('@');
  const bare = at >= 0 ? image.slice(0, at) : image;
  const slash = bare.lastIndexOf('/');
  const colon = bare.lastIndexOf(':');
  return colon > slash ? bare.slice(0, colon) : bare;
}

/**
 * The image a deploy of `version` means: a digest-pinned image as given, a bare version as
 * the running image's repository with that tag. Reads the live workload for the latter.
 */
export async function resolveDeployImage(input: {
  catalog: Catalog;
  kube: KubeClients;
  service: string;
  env: string;
  version: string;
}): Promise<{ image: string; current: string }> {
  const target = resolveTarget(input.catalog, input.service, input.env);
  const workload = await readWorkload(input.kube, target.workload);
  const current = containerOf(workload, target.container).container.image ?? '';
  if (input.version.includes('@sha256:')) return { image: input.version, current };
  if (!current) {
    throw new Error(
      `${target.label} runs no image yet; deploy a full image reference (registry/app@sha256:…).`,
    );
  }
  return { image: `${imageRepository(current)}:${input.version}`, current };
}
