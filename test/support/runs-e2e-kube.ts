import { setTimeout as delay } from 'node:timers/promises';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { createKubeClients } from '../../src/adapters/kubernetes/create-kube-clients.ts';
import { type KubeEmulator, kubeConfigFor } from '../../src/sandbox/kubernetes/index.ts';

/** A Deployment as catalog.yml names it: `name` in namespace `namespace`, one container. */
export interface Workload {
  name: string;
  namespace: string;
  container: string;
}

export const CHECKOUT: Workload = { name: 'checkout', namespace: 'checkout', container: 'app' };
export const GATEWAY: Workload = { name: 'gateway', namespace: 'edge', container: 'envoy' };

/** The live image of a workload in a cluster. */
export function liveImage(
  kube: KubeEmulator,
  context: string,
  w: Workload = CHECKOUT,
): string | undefined {
  const d = kube.get('Deployment', w.namespace, w.name, context);
  const spec = d?.spec as { template: { spec: { containers: { image: string }[] } } } | undefined;
  return spec?.template.spec.containers[0]?.image;
}

async function settled(kube: KubeEmulator, context: string, w: Workload): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const d = kube.get('Deployment', w.namespace, w.name, context);
    const s = (d?.status ?? {}) as Record<string, number | undefined>;
    const replicas = (d?.spec as { replicas?: number } | undefined)?.replicas;
    const generation = d?.metadata.generation ?? 0;
    const done =
      (s.observedGeneration ?? 0) >= generation &&
      s.updatedReplicas === replicas &&
      s.availableReplicas === replicas &&
      s.replicas === replicas;
    if (done) return;
    await delay(10);
  }
  throw new Error(`${w.name} in ${context} did not settle`);
}

/**
 * Seeds a Deployment whose revisions run `images` in order (the last one live), as a pipeline
 * would have released them. A release whose image contains `bad` never becomes ready; the next
 * one is released over it without waiting.
 */
export async function seedReleases(
  kube: KubeEmulator,
  context: string,
  w: Workload,
  images: string[],
): Promise<void> {
  const [first, ...rest] = images;
  const labels = { app: w.name };
  kube.seed(
    [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: w.name, namespace: w.namespace, labels },
        spec: {
          replicas: 3,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: { containers: [{ name: w.container, image: first }] },
          },
        },
      },
    ],
    context,
  );
  await settled(kube, context, w);
  const kc = kubeConfigFor(kube, [context], { clusterPerContext: true });
  const { apps } = createKubeClients(kc).forContext(context);
  for (const image of rest) {
    const body = { spec: { template: { spec: { containers: [{ name: w.container, image }] } } } };
    await apps.patchNamespacedDeployment(
      { name: w.name, namespace: w.namespace, body },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    if (image.includes('bad')) await delay(50);
    else await settled(kube, context, w);
  }
}
