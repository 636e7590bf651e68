import type { KubeClients } from './create-kube-clients.ts';
import { headerOptions } from './header-options.ts';
import { type KubeObjectRef, kubeCall } from './kube-error.ts';

/** A ConfigMap's data with the resourceVersion it was read at. */
export interface ConfigMapData {
  resourceVersion: string;
  data: Record<string, string>;
}

function refOf(context: string, namespace: string, name: string): KubeObjectRef {
  return { context, namespace, kind: 'ConfigMap', name };
}

/** Reads a ConfigMap's data (404 names the ConfigMap and the context). */
export async function readConfigMap(
  kube: KubeClients,
  context: string,
  namespace: string,
  name: string,
): Promise<ConfigMapData> {
  const c = kube.forContext(context);
  const cm = await kubeCall(refOf(context, namespace, name), 'reading', () =>
    c.core.readNamespacedConfigMap({ name, namespace }),
  );
  return { resourceVersion: cm.metadata?.resourceVersion ?? '', data: { ...cm.data } };
}

/**
 * Merge-patches data keys (null removes a key). With `resourceVersion` the write is
 * conditional: a ConfigMap changed since it was read answers 409.
 */
export async function patchConfigMapData(
  kube: KubeClients,
  target: { context: string; namespace: string; name: string },
  data: Record<string, string | null>,
  resourceVersion?: string,
): Promise<ConfigMapData> {
  const { context, namespace, name } = target;
  const c = kube.forContext(context);
  const body = { ...(resourceVersion ? { metadata: { resourceVersion } } : {}), data };
  const options = await headerOptions('Content-Type', 'application/merge-patch+json');
  const cm = await kubeCall(refOf(context, namespace, name), 'patching', () =>
    c.core.patchNamespacedConfigMap({ name, namespace, body }, options),
  );
  return { resourceVersion: cm.metadata?.resourceVersion ?? '', data: { ...cm.data } };
}
