import {
  AppsV1Api,
  AuthorizationV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
} from '@kubernetes/client-node';
import { type Impersonation, kubeConfigAs } from './impersonation.ts';
import { unknownContextError } from './unknown-context.ts';

/** The client-node API clients bound to one kubeconfig context. */
export interface ContextClients {
  context: string;
  apps: AppsV1Api;
  core: CoreV1Api;
  custom: CustomObjectsApi;
  coordination: CoordinationV1Api;
  authorization: AuthorizationV1Api;
}

/** Clients per kubeconfig context, created on first use. */
export interface KubeClients {
  /** Context names the kubeconfig defines. */
  contexts(): string[];
  /** Clients for `context`; a KubeError (reason UnknownContext) when the kubeconfig lacks it. */
  forContext(context: string): ContextClients;
  /** The same clusters, every request acting as `as` (the cluster's RBAC decides for them). */
  impersonate(as: Impersonation): KubeClients;
}

/**
 * Builds per-context clients from one KubeConfig, each on a copy with that context current;
 * with `as`, every request carries Impersonate-User / Impersonate-Group.
 */
export function createKubeClients(kubeConfig: KubeConfig, as?: Impersonation): KubeClients {
  const cache = new Map<string, ContextClients>();
  const people = new Map<string, KubeClients>();
  const contexts = () => kubeConfig.getContexts().map((c) => c.name);
  return {
    contexts,
    impersonate(who) {
      const key = JSON.stringify([who.user, [...who.groups].sort()]);
      const found = people.get(key) ?? createKubeClients(kubeConfig, who);
      people.set(key, found);
      return found;
    },
    forContext(context) {
      const cached = cache.get(context);
      if (cached) return cached;
      if (!kubeConfig.getContextObject(context)) throw unknownContextError(context, contexts());
      const kc = kubeConfigAs(kubeConfig, context, as);
      const clients: ContextClients = {
        context,
        apps: kc.makeApiClient(AppsV1Api),
        core: kc.makeApiClient(CoreV1Api),
        custom: kc.makeApiClient(CustomObjectsApi),
        coordination: kc.makeApiClient(CoordinationV1Api),
        authorization: kc.makeApiClient(AuthorizationV1Api),
      };
      cache.set(context, clients);
      return clients;
    },
  };
}
