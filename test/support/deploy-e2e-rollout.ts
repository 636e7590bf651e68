import { setTimeout as delay } from 'node:timers/promises';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { createKubeClients } from '../../src/adapters/kubernetes/create-kube-clients.ts';
import { type KubeEmulator, kubeConfigFor } from '../../src/sandbox/kubernetes/index.ts';
import { CHECKOUT } from './runs-e2e-kube.ts';

/** The canary steps of checkout's prod Rollout in the Argo e2e world. */
export const CANARY_STEPS = [
  { setWeight: 34 },
  { pause: {} },
  { setWeight: 67 },
  { pause: { duration: 10 } },
];

interface RolloutStatusView {
  phase?: string;
  currentPodHash?: string;
  stableRS?: string;
}

/** The Rollout's status, spec image and revision, for assertions. */
export function rolloutOf(kube: KubeEmulator, context: string) {
  const r = kube.get('Rollout', CHECKOUT.namespace, CHECKOUT.name, context);
  const spec = r?.spec as { template: { spec: { containers: { image: string }[] } } } | undefined;
  return {
    image: spec?.template.spec.containers[0]?.image,
    status: (r?.status ?? {}) as RolloutStatusView & Record<string, unknown>,
    revision: r?.metadata.annotations?.['rollout.argoproj.io/revision'],
  };
}

/** Waits until the Rollout is Healthy on its stable ReplicaSet. */
export async function rolloutHealthy(kube: KubeEmulator, context: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    const { status } = rolloutOf(kube, context);
    if (status.phase === 'Healthy' && status.currentPodHash === status.stableRS) return;
    await delay(10);
  }
  throw new Error(`checkout's Rollout in ${context} never became Healthy`);
}

/** Seeds checkout as an Argo Rollout (3 pods, CANARY_STEPS) on `image`, and waits for Healthy. */
export async function seedRollout(
  kube: KubeEmulator,
  context: string,
  image: string,
): Promise<void> {
  const labels = { app: CHECKOUT.name };
  kube.seed(
    [
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Rollout',
        metadata: { name: CHECKOUT.name, namespace: CHECKOUT.namespace, labels },
        spec: {
          replicas: 3,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: { containers: [{ name: CHECKOUT.container, image }] },
          },
          strategy: { canary: { steps: CANARY_STEPS } },
        },
      },
    ],
    context,
  );
  await rolloutHealthy(kube, context);
}

/** Sets the Rollout's image as a pipeline would (outside mc), through the real client. */
export async function setRolloutImage(
  kube: KubeEmulator,
  context: string,
  image: string,
): Promise<void> {
  const kc = kubeConfigFor(kube, [context], { clusterPerContext: true });
  const { custom } = createKubeClients(kc).forContext(context);
  await custom.patchNamespacedCustomObject(
    {
      group: 'argoproj.io',
      version: 'v1alpha1',
      namespace: CHECKOUT.namespace,
      plural: 'rollouts',
      name: CHECKOUT.name,
      body: {
        spec: { template: { spec: { containers: [{ name: CHECKOUT.container, image }] } } },
      },
    },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
}
