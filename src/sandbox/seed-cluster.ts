import { setTimeout as delay } from 'node:timers/promises';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { createKubeClients } from '../adapters/kubernetes/create-kube-clients.ts';
import type { Catalog } from '../config/schema.ts';
import type { DeployLog } from '../deploys/deploy-log.ts';
import { type KubeEmulator, kubeConfigFor } from './kubernetes/index.ts';

/** Images each seeded workload ran, oldest first; the last one is live. */
export const RELEASES = ['1.4.0', '1.4.1', '1.4.2'];

/** One workload the sandbox seeded: where it lives and what it runs. */
export interface SeededWorkload {
  service: string;
  env: string;
  context: string;
  namespace: string;
  kind: 'Deployment' | 'Rollout';
  name: string;
  container: string;
  replicas: number;
  images: string[];
}

/** The image a service's release has in the sandbox: `acme/<service>:<version>`. */
export function imageOf(service: string, version: string): string {
  return `registry.acme.test/${service}:${version}`;
}

/** Every context the catalog names: the sandbox gives each its own emulated cluster. */
export function catalogContexts(catalog: Catalog): string[] {
  const contexts = Object.values(catalog.services).flatMap((s) =>
    Object.values(s.environments).map((e) => e.context),
  );
  return [...new Set(contexts)];
}

/**
 * Seeds every service's workload in every environment of the catalog, released through
 * RELEASES so each has three revisions of history (what `/mc rollback` goes back through), plus
 * a `<service>-flags` ConfigMap (what the 5xx kill switch flips). When a deploy log is given,
 * the releases are recorded in it as deploys of the past days (never "recent").
 */
export async function seedCluster(
  kube: KubeEmulator,
  catalog: Catalog,
  deployLog?: DeployLog,
): Promise<SeededWorkload[]> {
  const kc = kubeConfigFor(kube, catalogContexts(catalog), { clusterPerContext: true });
  const clients = createKubeClients(kc);
  const seeded: SeededWorkload[] = [];
  const jobs: Promise<void>[] = [];
  for (const [service, spec] of Object.entries(catalog.services)) {
    for (const [env, target] of Object.entries(spec.environments)) {
      const w: SeededWorkload = {
        service,
        env,
        context: target.context,
        namespace: target.namespace,
        kind: target.workload.kind === 'Rollout' ? 'Rollout' : 'Deployment',
        name: target.workload.name,
        container: target.container,
        replicas: catalog.environments[env]?.protected ? 3 : 2,
        images: RELEASES.map((v) => imageOf(service, v)),
      };
      seeded.push(w);
      jobs.push(release(kube, clients.forContext(w.context), w));
    }
  }
  await Promise.all(jobs);
  if (deployLog) await recordHistory(deployLog, seeded);
  return seeded;
}

type Clients = ReturnType<ReturnType<typeof createKubeClients>['forContext']>;

async function release(kube: KubeEmulator, c: Clients, w: SeededWorkload): Promise<void> {
  const labels = { app: w.name };
  const [first, ...rest] = w.images;
  const template = {
    metadata: { labels },
    spec: { containers: [{ name: w.container, image: first }] },
  };
  const spec = { replicas: w.replicas, selector: { matchLabels: labels }, template };
  kube.seed(
    [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `${w.service}-flags`, namespace: w.namespace },
        data: { 'non-critical-features': 'on' },
      },
      w.kind === 'Rollout'
        ? {
            apiVersion: 'argoproj.io/v1alpha1',
            kind: 'Rollout',
            metadata: { name: w.name, namespace: w.namespace, labels },
            spec: { ...spec, strategy: { canary: { steps: [] } } },
          }
        : {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: w.name, namespace: w.namespace, labels },
            spec,
          },
    ],
    w.context,
  );
  await settled(kube, w);
  for (const image of rest) {
    const containers = [{ name: w.container, image }];
    if (w.kind === 'Rollout') {
      await c.custom.patchNamespacedCustomObject(
        { ...rolloutRef(w), body: { spec: { template: { spec: { containers } } } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    } else {
      await c.apps.patchNamespacedDeployment(
        {
          name: w.name,
          namespace: w.namespace,
          body: { spec: { template: { spec: { containers } } } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      );
    }
    await settled(kube, w);
  }
  if (w.kind === 'Rollout') {
    // Canary steps only after the history exists, so seeding does not wait on pauses.
    const steps = [{ setWeight: 25 }, { pause: { duration: '20s' } }, { setWeight: 50 }];
    await c.custom.patchNamespacedCustomObject(
      { ...rolloutRef(w), body: { spec: { strategy: { canary: { steps } } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }
}

function rolloutRef(w: SeededWorkload) {
  return {
    group: 'argoproj.io',
    version: 'v1alpha1',
    namespace: w.namespace,
    plural: 'rollouts',
    name: w.name,
  };
}

/** Waits (bounded) until every replica runs the workload's current template. */
async function settled(kube: KubeEmulator, w: SeededWorkload): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const o = kube.get(w.kind, w.namespace, w.name, w.context);
    const s = (o?.status ?? {}) as Record<string, unknown>;
    const done =
      w.kind === 'Rollout'
        ? s.phase === 'Healthy' &&
          s.stableRS === s.currentPodHash &&
          s.availableReplicas === w.replicas
        : Number(s.observedGeneration ?? 0) >= (o?.metadata.generation ?? 1) &&
          s.updatedReplicas === w.replicas &&
          s.availableReplicas === w.replicas &&
          s.replicas === w.replicas;
    if (done) return;
    await delay(10);
  }
  throw new Error(
    `sandbox seed: ${w.kind} ${w.namespace}/${w.name} in ${w.context} did not settle`,
  );
}

/** Records the seeded releases as deploys of the past days, by the release manager role. */
async function recordHistory(log: DeployLog, seeded: SeededWorkload[]): Promise<void> {
  const day = 86_400_000;
  for (const w of seeded) {
    if (await log.lastDeploy(w.service, w.env)) continue; // a restarted sandbox keeps its log
    for (const [i, image] of w.images.entries()) {
      const from = w.images[i - 1];
      await log.recordDeploy({
        service: w.service,
        env: w.env,
        ...(from ? { fromImage: from, fromRevision: i } : {}),
        toImage: image,
        toRevision: i + 1,
        kind: 'deploy',
        by: 'U02CAROL03',
        at: new Date(Date.now() - (w.images.length - i) * day),
        outcome: 'succeeded',
      });
    }
  }
}
