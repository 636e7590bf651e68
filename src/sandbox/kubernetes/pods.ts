import { randomBytes } from 'node:crypto';
import { clone } from './json.ts';
import { resourceFor } from './resources.ts';
import type { Condition, Container, KubeObject, SeedObject } from './types.ts';
import { type ControllerEnv, controllerRef, specOf } from './workloads.ts';

const PODS = resourceFor('Pod');

interface ContainerStatus {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  ready: boolean;
  started: boolean;
  restartCount: number;
  state: Record<string, Record<string, unknown>>;
  lastState: Record<string, Record<string, unknown>>;
}

/** Images whose tag contains `bad` crash forever: the emulator's way to stage a broken release. */
export function isBadImage(image: string | undefined): boolean {
  const tag = /:([^/:@]+)(@.*)?$/.exec(image ?? '')?.[1] ?? '';
  return tag.includes('bad');
}

function containersOf(pod: KubeObject): Container[] {
  return ((pod.spec as { containers?: Container[] } | undefined)?.containers ?? []) as Container[];
}

function condition(type: string, ok: boolean, at: string): Condition {
  return { type, status: ok ? 'True' : 'False', lastTransitionTime: at };
}

/** A new Pending pod for a ReplicaSet, as its controller would create it. */
export function newPod(rs: KubeObject): SeedObject {
  const template = specOf(rs).template;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: '',
      generateName: `${rs.metadata.name}-`,
      namespace: rs.metadata.namespace,
      labels: clone(template.metadata?.labels ?? {}),
      ...(template.metadata?.annotations
        ? { annotations: clone(template.metadata.annotations) }
        : {}),
      ownerReferences: [controllerRef(rs)],
    },
    spec: { ...clone(template.spec), nodeName: 'emulator-node-1' },
    status: { phase: 'Pending', qosClass: 'BestEffort' },
  };
}

/** Whether a pod counts as ready (its Ready condition is True). */
export function isReady(pod: KubeObject): boolean {
  const conditions = (pod.status as { conditions?: Condition[] } | undefined)?.conditions ?? [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Whether a pod is being deleted (graceful termination in progress). */
export function isTerminating(pod: KubeObject): boolean {
  return pod.metadata.deletionTimestamp !== undefined;
}

function containerStatus(
  container: Container,
  previous: ContainerStatus | undefined,
  at: string,
): ContainerStatus {
  const image = container.image ?? '';
  const base = {
    name: container.name,
    image,
    imageID: `docker.io/library/${image}@sha256:${randomBytes(32).toString('hex')}`,
    containerID: `containerd://${randomBytes(32).toString('hex')}`,
  };
  if (!isBadImage(image)) {
    if (previous?.ready) return previous;
    return {
      ...base,
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: at } },
      lastState: {},
    };
  }
  const restartCount = (previous?.restartCount ?? 0) + 1;
  return {
    ...base,
    ready: false,
    started: false,
    restartCount,
    state: {
      waiting: {
        reason: 'CrashLoopBackOff',
        message: `back-off restarting failed container ${container.name} in pod`,
      },
    },
    lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: at, finishedAt: at } },
  };
}

/** One kubelet step for a pod: start containers; good images turn Ready, bad ones crash-loop. */
function advancePod(env: ControllerEnv, pod: KubeObject): void {
  const at = env.clock.iso();
  const status = (pod.status ?? {}) as {
    containerStatuses?: ContainerStatus[];
    startTime?: string;
    podIP?: string;
  };
  const statuses = containersOf(pod).map((c) =>
    containerStatus(
      c,
      status.containerStatuses?.find((s) => s.name === c.name),
      at,
    ),
  );
  const ready = statuses.every((s) => s.ready);
  const wasReady = isReady(pod);
  const previous = (pod.status as { conditions?: Condition[] } | undefined)?.conditions ?? [];
  const keep = (c: Condition) =>
    previous.find((p) => p.type === c.type && p.status === c.status) ?? c;
  const next = {
    phase: 'Running',
    conditions: [
      condition('PodReadyToStartContainers', true, at),
      condition('Initialized', true, at),
      condition('Ready', ready, at),
      condition('ContainersReady', ready, at),
      condition('PodScheduled', true, at),
    ].map(keep),
    hostIP: '10.0.0.1',
    podIP: status.podIP ?? `10.244.${randomBytes(1)[0]}.${((randomBytes(1)[0] ?? 0) % 250) + 2}`,
    startTime: status.startTime ?? at,
    containerStatuses: statuses,
    qosClass: 'BestEffort',
  };
  if (ready && wasReady) return;
  env.store.update(
    PODS,
    { ...pod, status: next, metadata: { ...pod.metadata, resourceVersion: '' } },
    { subresource: 'status' },
  );
}

/** Kubelet tick: finishes graceful deletions and moves live pods one step through their lifecycle. */
export function runKubelet(env: ControllerEnv): void {
  for (const pod of env.store.list(PODS)) {
    if (isTerminating(pod)) env.store.remove(PODS, pod.metadata.namespace, pod.metadata.name);
    else advancePod(env, pod);
  }
}

/** Starts graceful deletion of a pod: it stays listed, Terminating, until the next kubelet tick. */
export function terminatePod(env: ControllerEnv, pod: KubeObject, graceSeconds = 30): KubeObject {
  if (isTerminating(pod)) return pod;
  const metadata = {
    ...pod.metadata,
    resourceVersion: '',
    deletionTimestamp: new Date(env.clock.now() + graceSeconds * 1000)
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z'),
    deletionGracePeriodSeconds: graceSeconds,
  };
  return env.store.markDeleting(PODS, { ...pod, metadata });
}
