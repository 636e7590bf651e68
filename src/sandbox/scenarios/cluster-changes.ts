import { setTimeout as delay } from 'node:timers/promises';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { KubeObject } from '../kubernetes/index.ts';
import type { ScenarioContext } from './types.ts';

type Template = { spec: { containers: { name: string; image?: string }[] } };

/** The part of a scenario's context these helpers touch. */
export type ClusterAccess = Pick<ScenarioContext, 'catalog' | 'clients' | 'kube'>;

/** Where a service runs in an environment, from the catalog. */
export function targetOf(ctx: ClusterAccess, service: string, env: string) {
  const t = ctx.catalog.services[service]?.environments[env];
  if (!t) throw new Error(`catalog.yml has no ${service}/${env}; the sandbox scenarios need it`);
  return t;
}

/** The live workload object and its current image and revision. */
export function liveWorkload(ctx: ClusterAccess, service: string, env: string) {
  const t = targetOf(ctx, service, env);
  const o = ctx.kube.get(t.workload.kind, t.namespace, t.workload.name, t.context);
  if (!o)
    throw new Error(
      `the sandbox cluster lost ${t.workload.kind} ${t.namespace}/${t.workload.name}`,
    );
  const template = (o.spec as { template: Template }).template;
  const image = template.spec.containers.find((c) => c.name === t.container)?.image ?? '';
  return { object: o, image, revision: revisionOf(o) };
}

function revisionOf(o: KubeObject): number | undefined {
  const a = o.metadata.annotations as Record<string, string> | undefined;
  const value = a?.['deployment.kubernetes.io/revision'] ?? a?.['rollout.argoproj.io/revision'];
  return value ? Number(value) : undefined;
}

/** Changes the container image through the Kubernetes API, as a CD pipeline would. */
export async function setImage(ctx: ClusterAccess, service: string, env: string, image: string) {
  const t = targetOf(ctx, service, env);
  const c = ctx.clients.forContext(t.context);
  const body = { spec: { template: { spec: { containers: [{ name: t.container, image }] } } } };
  if (t.workload.kind === 'Rollout') {
    await c.custom.patchNamespacedCustomObject(
      {
        group: 'argoproj.io',
        version: 'v1alpha1',
        namespace: t.namespace,
        plural: 'rollouts',
        name: t.workload.name,
        body,
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  } else {
    await c.apps.patchNamespacedDeployment(
      { name: t.workload.name, namespace: t.namespace, body },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
  }
}

/** Sets one key of the service's `<service>-flags` ConfigMap. */
export async function setFlag(
  ctx: ClusterAccess,
  service: string,
  env: string,
  key: string,
  value: string,
) {
  const t = targetOf(ctx, service, env);
  await ctx.clients
    .forContext(t.context)
    .core.patchNamespacedConfigMap(
      { name: `${service}-flags`, namespace: t.namespace, body: { data: { [key]: value } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
}

/** A pod of the workload that is not ready (crash-looping), waited for (bounded). */
export async function crashingPod(
  ctx: ClusterAccess,
  service: string,
  env: string,
  timeoutMs = 15_000,
) {
  const t = targetOf(ctx, service, env);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const pod = ctx.kube
      .list('Pod', t.namespace, t.context)
      .find((p) =>
        (
          (p.status as { containerStatuses?: { restartCount?: number; ready?: boolean }[] })
            ?.containerStatuses ?? []
        ).some((s) => !s.ready && (s.restartCount ?? 0) > 0),
      );
    if (pod) return pod.metadata.name;
    await delay(100);
  }
  throw new Error(`no pod of ${service}/${env} started crash-looping within ${timeoutMs} ms`);
}
