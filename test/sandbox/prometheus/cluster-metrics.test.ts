import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeClients } from '../../../src/adapters/kubernetes/create-kube-clients.ts';
import type { Catalog } from '../../../src/config/schema.ts';
import {
  type KubeEmulator,
  kubeConfigFor,
  startKubeEmulator,
} from '../../../src/sandbox/kubernetes/index.ts';
import {
  clusterMetrics,
  createKnobs,
  knobKey,
} from '../../../src/sandbox/prometheus/cluster-metrics.ts';
import type { EnvSample } from '../../../src/sandbox/prometheus/snapshot.ts';
import type { ClusterAccess } from '../../../src/sandbox/scenarios/cluster-changes.ts';
import { setFlag, setImage } from '../../../src/sandbox/scenarios/cluster-changes.ts';
import { catalogContexts, imageOf, seedCluster } from '../../../src/sandbox/seed-cluster.ts';
import { loadRepoConfig } from '../../support/slack.ts';

describe('sandbox/prometheus/cluster-metrics: the series follow the emulated cluster', () => {
  let kube: KubeEmulator;
  let catalog: Catalog;
  const knobs = createKnobs();
  let sample: (service: string, env: string) => EnvSample;
  let ctx: ClusterAccess;

  const until = async (what: string, ok: () => boolean) => {
    for (let i = 0; i < 200; i++) {
      if (ok()) return;
      await delay(25);
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  beforeAll(async () => {
    catalog = (await loadRepoConfig()).catalog;
    kube = await startKubeEmulator({ tickMs: 10, strict: false });
    await seedCluster(kube, catalog);
    const metrics = clusterMetrics(kube, catalog, knobs);
    sample = (service, env) =>
      metrics().envs.find((e) => e.service === service && e.env === env) as EnvSample;
    const clients = createKubeClients(
      kubeConfigFor(kube, catalogContexts(catalog), { clusterPerContext: true }),
    );
    ctx = { kube, clients, catalog };
  });
  afterAll(() => kube.close());

  it('seeds every service in every environment of the catalog, healthy, with three revisions', () => {
    for (const [service, spec] of Object.entries(catalog.services)) {
      for (const [env, t] of Object.entries(spec.environments)) {
        const s = sample(service, env);
        expect(s, `${service}/${env}`).toMatchObject({ ready: s.replicas });
        expect(s.errorRatio).toBeLessThan(0.001);
        const rsKind =
          t.workload.kind === 'Rollout' ? 'rollouts-pod-template-hash' : 'pod-template-hash';
        const sets = kube
          .list('ReplicaSet', t.namespace, t.context)
          .filter((r) => r.metadata.labels?.[rsKind]);
        expect(sets, `${service}/${env} revisions`).toHaveLength(3);
      }
    }
  });

  it('a crash-looping image raises the error ratio; going back to a good image clears it', async () => {
    await setImage(ctx, 'checkout', 'staging', imageOf('checkout', '9.9.9-bad'));
    await until('errors', () => sample('checkout', 'staging').errorRatio > 0.01);
    expect(sample('checkout', 'prod').errorRatio).toBeLessThan(0.001);
    await setImage(ctx, 'checkout', 'staging', imageOf('checkout', '1.4.2'));
    await until('recovery', () => {
      const s = sample('checkout', 'staging');
      return s.errorRatio < 0.001 && s.ready === s.replicas;
    });
  });

  it('a failing feature errors until its kill switch is off; extra load slows until replicas catch up', async () => {
    knobs.failingFeature.add(knobKey('gateway', 'prod'));
    expect(sample('gateway', 'prod').errorRatio).toBeGreaterThan(0.04);
    await setFlag(ctx, 'gateway', 'prod', 'non-critical-features', 'off');
    expect(sample('gateway', 'prod').errorRatio).toBeLessThan(0.001);
    knobs.demandReplicas.set(knobKey('payments', 'prod'), 5);
    expect(sample('payments', 'prod').latencyP95).toBeGreaterThan(0.8);
    knobs.demandReplicas.set(knobKey('payments', 'prod'), 3);
    expect(sample('payments', 'prod').latencyP95).toBeCloseTo(0.35, 5);
  });
});
