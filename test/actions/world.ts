import { setTimeout as delay } from 'node:timers/promises';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { ActionContext } from '../../src/actions/types.ts';
import { createKubeClients } from '../../src/adapters/kubernetes/create-kube-clients.ts';
import type { WorkloadRef } from '../../src/adapters/kubernetes/types.ts';
import { readWorkload } from '../../src/adapters/kubernetes/workload.ts';
import { Catalog } from '../../src/config/schema.ts';
import {
  type KubeEmulator,
  type KubeEmulatorOptions,
  kubeConfigFor,
  startKubeEmulator,
} from '../../src/sandbox/kubernetes/index.ts';
import { createLogger } from '../../src/telemetry/logger.ts';

export const STAGING = 'gke_acme-staging_europe-west1_main';
export const PROD = 'gke_acme-prod_europe-west1_main';

const slo = [
  { name: 'error-ratio', query: 'sum(up)', comparison: '<', threshold: 1, description: 'd' },
];

/** A catalog shaped like catalog.yml: checkout is a Deployment in staging, a Rollout in prod. */
export const catalog = Catalog.parse({
  defaults: { environment: 'staging', slackChannel: '#mc-ops' },
  environments: {
    staging: { description: 'Pre-production', protected: false },
    prod: { description: 'Production', protected: true },
  },
  services: {
    checkout: {
      description: 'Checkout',
      slackChannel: '#team-checkout',
      pagerduty: { serviceId: 'PCHK7Q2' },
      prometheus: { selector: '{service="checkout"}' },
      slo,
      environments: {
        staging: {
          context: STAGING,
          namespace: 'checkout',
          workload: { kind: 'Deployment', name: 'checkout' },
          container: 'app',
        },
        prod: {
          context: PROD,
          namespace: 'checkout',
          workload: { kind: 'Rollout', name: 'checkout' },
          container: 'app',
        },
      },
    },
  },
  roles: { oncall: { description: 'On call', groups: ['S05ONCALL1'] } },
});

export const stagingRef: WorkloadRef = {
  context: STAGING,
  namespace: 'checkout',
  kind: 'Deployment',
  name: 'checkout',
};
export const prodRef: WorkloadRef = {
  context: PROD,
  namespace: 'checkout',
  kind: 'Rollout',
  name: 'checkout',
};

export interface World {
  emulator: KubeEmulator;
  ctx: ActionContext;
  close(): Promise<void>;
}

/** A Kubernetes emulator with one cluster per catalog context and an ActionContext over it. */
export async function startWorld(
  options: KubeEmulatorOptions = {},
  extra: Partial<ActionContext> = {},
): Promise<World> {
  const emulator = await startKubeEmulator({ tickMs: 10, ...options });
  const kube = createKubeClients(
    kubeConfigFor(emulator, [STAGING, PROD], { clusterPerContext: true }),
  );
  const ctx: ActionContext = {
    catalog,
    kube,
    log: createLogger({ level: 'silent' }),
    now: () => new Date(),
    sleep: (ms, signal) => delay(ms, undefined, { signal }),
    ...extra,
  };
  return { emulator, ctx, close: () => emulator.close() };
}

/** Pod template for the checkout container. */
function template(image: string) {
  return {
    metadata: { labels: { app: 'checkout' } },
    spec: { containers: [{ name: 'app', image, env: [{ name: 'MODE', value: 'live' }] }] },
  };
}

/** Seeds the staging Deployment `checkout/checkout`. */
export function seedDeployment(world: World, image: string, replicas = 3, spec: object = {}): void {
  world.emulator.seed(
    [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'checkout', namespace: 'checkout', labels: { app: 'checkout' } },
        spec: {
          replicas,
          selector: { matchLabels: { app: 'checkout' } },
          template: template(image),
          ...spec,
        },
      },
    ],
    STAGING,
  );
}

/** Seeds the prod Rollout `checkout/checkout` with canary steps. */
export function seedRollout(world: World, image: string, replicas = 4, steps?: object[]): void {
  world.emulator.seed(
    [
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Rollout',
        metadata: { name: 'checkout', namespace: 'checkout' },
        spec: {
          replicas,
          selector: { matchLabels: { app: 'checkout' } },
          template: template(image),
          strategy: {
            canary: { steps: steps ?? [{ setWeight: 25 }, { pause: {} }, { setWeight: 50 }] },
          },
        },
      },
    ],
    PROD,
  );
}

/** Waits (bounded) until the workload is fully rolled out: Healthy, or every replica updated and available. */
export async function settled(world: World, ref: WorkloadRef, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < 1_000 && Date.now() < deadline; i++) {
    const w = await readWorkload(world.ctx.kube, ref);
    const s = w.status;
    const done =
      ref.kind === 'Rollout'
        ? s.phase === 'Healthy' && Number(s.observedGeneration) >= w.generation
        : Number(s.observedGeneration ?? 0) >= w.generation &&
          (s.updatedReplicas ?? 0) === w.replicas &&
          (s.availableReplicas ?? 0) === w.replicas &&
          (s.replicas ?? 0) === w.replicas;
    if (done) return;
    await delay(10);
  }
  throw new Error(`${ref.kind} ${ref.namespace}/${ref.name} did not settle within ${timeoutMs} ms`);
}

/** The images of the live (not terminating) pods of checkout in a cluster, sorted. */
export function podImages(world: World, context: string): string[] {
  return world.emulator
    .list('Pod', 'checkout', context)
    .filter((p) => !p.metadata.deletionTimestamp)
    .map((p) => (p.spec as { containers: { image: string }[] }).containers[0]?.image ?? '')
    .sort();
}

/** Fast verify options for tests. */
export const fast = { pollMs: 10, timeoutMs: 5_000 };

/** A release as a pipeline makes it: a strategic-merge patch of the image, then settle. */
export async function release(world: World, ref: WorkloadRef, image: string): Promise<void> {
  const c = world.ctx.kube.forContext(ref.context);
  const body = { spec: { template: { spec: { containers: [{ name: 'app', image }] } } } };
  const target = { name: ref.name, namespace: ref.namespace };
  if (ref.kind === 'Deployment') {
    await c.apps.patchNamespacedDeployment(
      { ...target, body },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
  } else {
    await c.custom.patchNamespacedCustomObject(
      { group: 'argoproj.io', version: 'v1alpha1', plural: 'rollouts', ...target, body },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }
  await settled(world, ref);
}

/** ReplicaSets of checkout in a cluster as `name revision replicas`, by revision. */
export function replicaSets(
  world: World,
  context: string,
  annotation = 'deployment.kubernetes.io/revision',
) {
  return world.emulator
    .list('ReplicaSet', 'checkout', context)
    .map((rs) => ({
      name: rs.metadata.name,
      revision: Number(rs.metadata.annotations?.[annotation]),
      replicas: (rs.spec as { replicas?: number }).replicas ?? 0,
      image: (rs.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec
        .containers[0]?.image,
    }))
    .sort((a, b) => a.revision - b.revision);
}
