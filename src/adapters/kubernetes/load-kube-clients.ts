import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeClients } from './create-kube-clients.ts';
import { unknownContextError } from './unknown-context.ts';

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** Whether kubectl would find a kubeconfig: KUBECONFIG, ~/.kube/config, or in-cluster credentials. */
export function kubeConfigPresent(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.KUBECONFIG?.split(path.delimiter).some((file) => file && existsSync(file))) return true;
  if (existsSync(path.join(env.HOME ?? os.homedir(), '.kube', 'config'))) return true;
  return Boolean(env.KUBERNETES_SERVICE_HOST) && existsSync(SERVICE_ACCOUNT_TOKEN);
}

/**
 * The kubeconfig as kubectl reads it, or undefined when there is none. client-node (tens of
 * MiB once loaded) is imported only when there is a kubeconfig to load.
 */
export async function loadDefaultKubeConfig(
  env: NodeJS.ProcessEnv = process.env,
): Promise<KubeConfig | undefined> {
  if (!kubeConfigPresent(env)) return undefined;
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  return kubeConfig;
}

/** Clients for no cluster at all: no contexts, and every context is unknown. */
export function noKubeClients(): KubeClients {
  return {
    contexts: () => [],
    impersonate: () => noKubeClients(),
    forContext(context) {
      throw unknownContextError(context, []);
    },
  };
}

/** Per-context clients for `kubeConfig`; loads client-node only when there is a kubeconfig. */
export async function kubeClientsFor(kubeConfig: KubeConfig | undefined): Promise<KubeClients> {
  if (!kubeConfig) return noKubeClients();
  const { createKubeClients } = await import('./create-kube-clients.ts');
  return createKubeClients(kubeConfig);
}
