import { KubeConfig } from '@kubernetes/client-node';
import { ADMIN_TOKEN } from './authn.ts';
import type { KubeEmulator } from './emulator.ts';

export interface KubeConfigForOptions {
  /**
   * Give every context its own emulated cluster (`/clusters/<context>` on the emulator), so
   * staging and prod hold separate objects. Default false: all contexts share the default cluster.
   */
  clusterPerContext?: boolean;
  /** Namespace set on every context (default `default`). */
  namespace?: string;
  /** Bearer token of the user (default the admin's; pick one of the emulator's `users` to test RBAC). */
  token?: string;
}

/** A real client-node KubeConfig with one context per name, all pointing at the emulator. */
export function kubeConfigFor(
  emulator: KubeEmulator,
  contexts: string[],
  options: KubeConfigForOptions = {},
): KubeConfig {
  if (contexts.length === 0) throw new Error('kubeConfigFor: name at least one context');
  const user = { name: 'kube-emulator', token: options.token ?? ADMIN_TOKEN };
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: contexts.map((name) => ({
      name,
      server: options.clusterPerContext ? emulator.serverFor(name) : emulator.url,
      // client-node refuses plain http:// unless TLS verification is off.
      skipTLSVerify: true,
    })),
    users: [user],
    contexts: contexts.map((name) => ({
      name,
      cluster: name,
      user: user.name,
      namespace: options.namespace ?? 'default',
    })),
    currentContext: contexts[0],
  });
  return kc;
}
