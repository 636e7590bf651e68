import type { Catalog } from '../../config/schema.ts';
import type { KubeEmulator, KubeObject } from '../kubernetes/index.ts';
import type { EnvSample, PodSample, SnapshotSource } from './snapshot.ts';

/**
 * What scenarios turn, per `service/env`: extra load (the replicas it would take to serve it
 * at normal latency) and a failing non-critical feature (5xx until its kill switch is off).
 */
export interface MetricKnobs {
  demandReplicas: Map<string, number>;
  failingFeature: Set<string>;
}

/** Empty knobs: every service healthy as far as the cluster allows. */
export function createKnobs(): MetricKnobs {
  return { demandReplicas: new Map(), failingFeature: new Set() };
}

/** `service/env`, the key of the knobs. */
export function knobKey(service: string, env: string): string {
  return `${service}/${env}`;
}

const BASE_LATENCY: Record<string, number> = { checkout: 0.18, payments: 0.35, gateway: 0.05 };

interface PodStatus {
  phase?: string;
  conditions?: { type: string; status: string }[];
  containerStatuses?: {
    name: string;
    restartCount?: number;
    lastState?: { terminated?: { reason?: string } };
  }[];
}

/**
 * Derives the series from the emulated cluster, so the metrics follow what actions do: pods
 * that are not ready (a crash-looping image) fail their share of requests; fewer ready pods
 * than the load needs raise latency; a failing feature answers 5% 5xx until the
 * `<service>-flags` ConfigMap says `non-critical-features: off`.
 */
export function clusterMetrics(
  kube: KubeEmulator,
  catalog: Catalog,
  knobs: MetricKnobs,
  now: () => number = Date.now,
): SnapshotSource {
  return () => {
    const envs: EnvSample[] = [];
    const pods: PodSample[] = [];
    for (const [service, spec] of Object.entries(catalog.services)) {
      for (const [env, target] of Object.entries(spec.environments)) {
        const key = knobKey(service, env);
        const ns = target.namespace;
        const live = kube
          .list('Pod', ns, target.context)
          .filter(
            (p) => p.metadata.labels?.app === target.workload.name && !p.metadata.deletionTimestamp,
          );
        const ready = live.filter(isReady).length;
        const workload = kube.get(target.workload.kind, ns, target.workload.name, target.context);
        const replicas = Number(
          (workload?.spec as { replicas?: number } | undefined)?.replicas ?? 0,
        );
        const flags = kube.get('ConfigMap', ns, `${service}-flags`, target.context);
        const featureOn =
          (flags?.data as Record<string, string> | undefined)?.['non-critical-features'] !== 'off';
        const failing = Math.max(0, live.length - ready);
        const crashShare = live.length > 0 ? failing / live.length : 1;
        const featureErrors = knobs.failingFeature.has(key) && featureOn ? 0.05 : 0;
        const demand = knobs.demandReplicas.get(key) ?? 0;
        const overload = demand > 0 ? Math.max(1, demand / Math.max(ready, 0.5)) : 1;
        const base = BASE_LATENCY[service] ?? 0.1;
        envs.push({
          service,
          env,
          namespace: ns,
          rps: catalog.environments[env]?.protected ? 120 : 12,
          errorRatio: Math.min(1, 0.0004 + crashShare * 0.6 + featureErrors),
          latencyP95: base * overload ** 3,
          ready,
          replicas,
        });
        for (const pod of live) pods.push(...podSamples(pod, ns));
      }
    }
    return { at: now(), envs, pods };
  };
}

function isReady(pod: KubeObject): boolean {
  const status = pod.status as PodStatus | undefined;
  return status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function podSamples(pod: KubeObject, namespace: string): PodSample[] {
  const status = pod.status as PodStatus | undefined;
  return (status?.containerStatuses ?? []).map((c) => {
    const reason = c.lastState?.terminated?.reason;
    return {
      namespace,
      pod: pod.metadata.name,
      container: c.name,
      restarts: c.restartCount ?? 0,
      ...(reason ? { lastTerminatedReason: reason } : {}),
    };
  });
}
