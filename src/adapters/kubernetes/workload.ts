import type { PatchStrategy } from '@kubernetes/client-node';
import type { KubeClients } from './create-kube-clients.ts';
import { headerOptions } from './header-options.ts';
import { toPlain } from './json.ts';
import { describeRef, KubeError, kubeCall } from './kube-error.ts';
import type { Container, Workload, WorkloadRef, WorkloadStatus } from './types.ts';

/** Where each kind keeps its revision number (on the workload and its ReplicaSets). */
export const REVISION_ANNOTATION = {
  Deployment: 'deployment.kubernetes.io/revision',
  Rollout: 'rollout.argoproj.io/revision',
} as const;

/** The label a controller adds to its ReplicaSets' templates; rollout undo strips it. */
export const HASH_LABEL = {
  Deployment: 'pod-template-hash',
  Rollout: 'rollouts-pod-template-hash',
} as const;

const ARGO = { group: 'argoproj.io', version: 'v1alpha1', plural: 'rollouts' } as const;

/** A patch type, named as client-node's PatchStrategy values are (JSON patch is its default). */
export type PatchType = (typeof PatchStrategy)[keyof typeof PatchStrategy];

interface RawObject {
  metadata?: {
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
  status?: WorkloadStatus;
}

function fromRaw(ref: WorkloadRef, value: unknown): Workload {
  const raw = toPlain<RawObject>(value);
  const spec = (raw.spec ?? {}) as Workload['template'] & Record<string, unknown>;
  const annotations = raw.metadata?.annotations ?? {};
  const revision = Number(annotations[REVISION_ANNOTATION[ref.kind]]);
  const strategy = spec.strategy as { canary?: { steps?: Workload['steps'] } } | undefined;
  return {
    ref,
    uid: raw.metadata?.uid ?? '',
    resourceVersion: raw.metadata?.resourceVersion ?? '',
    generation: raw.metadata?.generation ?? 0,
    annotations,
    replicas: typeof spec.replicas === 'number' ? spec.replicas : 1,
    paused: spec.paused === true,
    progressDeadlineSeconds:
      typeof spec.progressDeadlineSeconds === 'number' ? spec.progressDeadlineSeconds : undefined,
    revision: Number.isInteger(revision) && revision > 0 ? revision : undefined,
    selector: spec.selector as Workload['selector'],
    template: (spec.template ?? { spec: { containers: [] } }) as Workload['template'],
    steps: ref.kind === 'Rollout' ? (strategy?.canary?.steps ?? []) : [],
    status: raw.status ?? {},
  };
}

/** Reads a Deployment (apps/v1) or an Argo Rollout (custom objects API). */
export async function readWorkload(kube: KubeClients, ref: WorkloadRef): Promise<Workload> {
  const c = kube.forContext(ref.context);
  const { name, namespace } = ref;
  const raw = await kubeCall(ref, 'reading', () =>
    ref.kind === 'Deployment'
      ? c.apps.readNamespacedDeployment({ name, namespace })
      : c.custom.getNamespacedCustomObject({ ...ARGO, namespace, name }),
  );
  return fromRaw(ref, raw);
}

/**
 * Patches the workload (or a Rollout's /status) with an explicit Content-Type: client-node
 * otherwise sends JSON patch. Strategic merge works on Deployments only.
 */
export async function patchWorkload(
  kube: KubeClients,
  ref: WorkloadRef,
  body: unknown,
  type: PatchType,
  subresource?: 'status',
): Promise<Workload> {
  const c = kube.forContext(ref.context);
  const { name, namespace } = ref;
  const options = await headerOptions('Content-Type', type);
  const raw = await kubeCall(ref, 'patching', () => {
    if (ref.kind === 'Deployment') {
      return subresource === 'status'
        ? c.apps.patchNamespacedDeploymentStatus({ name, namespace, body }, options)
        : c.apps.patchNamespacedDeployment({ name, namespace, body }, options);
    }
    const target = { ...ARGO, namespace, name, body };
    return subresource === 'status'
      ? c.custom.patchNamespacedCustomObjectStatus(target, options)
      : c.custom.patchNamespacedCustomObject(target, options);
  });
  return fromRaw(ref, raw);
}

/**
 * Sets spec.replicas through the /scale subresource. With `resourceVersion`, a concurrent
 * change makes the API server answer 409 instead of losing one of the writes.
 */
export async function scaleWorkload(
  kube: KubeClients,
  ref: WorkloadRef,
  replicas: number,
  resourceVersion?: string,
): Promise<number> {
  const c = kube.forContext(ref.context);
  const { name, namespace } = ref;
  const body = {
    ...(resourceVersion ? { metadata: { resourceVersion } } : {}),
    spec: { replicas },
  };
  const options = await headerOptions('Content-Type', 'application/merge-patch+json');
  const scale = await kubeCall(ref, 'scaling', () =>
    ref.kind === 'Deployment'
      ? c.apps.patchNamespacedDeploymentScale({ name, namespace, body }, options)
      : c.custom.patchNamespacedCustomObjectScale({ ...ARGO, namespace, name, body }, options),
  );
  return toPlain<{ spec?: { replicas?: number } }>(scale).spec?.replicas ?? 0;
}

/** The named container of the workload's pod template, with its index (for JSON patch paths). */
export function containerOf(
  workload: Workload,
  name: string,
): { index: number; container: Container } {
  const containers = workload.template.spec.containers ?? [];
  const index = containers.findIndex((c) => c.name === name);
  const container = containers[index];
  if (!container) {
    const known = containers.map((c) => c.name).join(', ') || '(none)';
    throw new KubeError({
      status: 404,
      reason: 'NotFound',
      message: `${describeRef(workload.ref)} has no container "${name}"; its containers: ${known}. Fix the container in catalog.yml.`,
    });
  }
  return { index, container };
}
