import {
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';
import { unknownContextError } from './unknown-context.ts';

/** The client-node API clients bound to one kubeconfig context. */
export interface ContextClients {
  context: string;
  apps: AppsV1Api;
  core: CoreV1Api;
  custom: CustomObjectsApi;
  coordination: CoordinationV1Api;
}

/** Clients per kubeconfig context, created on first use. */
export interface KubeClients {
  /** Context names the kubeconfig defines. */
  contexts(): string[];
  /** Clients for `context`; a KubeError (reason UnknownContext) when the kubeconfig lacks it. */
  forContext(context: string): ContextClients;
}

/** Builds per-context clients from one KubeConfig, each on a copy with that context current. */
export function createKubeClients(kubeConfig: KubeConfig): KubeClients {
  const cache = new Map<string, ContextClients>();
  const contexts = () => kubeConfig.getContexts().map((c) => c.name);
  return {
    contexts,
    forContext(context) {
      const cached = cache.get(context);
      if (cached) return cached;
      if (!kubeConfig.getContextObject(context)) throw unknownContextError(context, contexts());
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: kubeConfig.clusters,
        users: kubeConfig.users,
        contexts: kubeConfig.contexts,
        currentContext: context,
      });
      const clients: ContextClients = {
        context,
        apps: kc.makeApiClient(AppsV1Api),
        core: kc.makeApiClient(CoreV1Api),
        custom: kc.makeApiClient(CustomObjectsApi),
        coordination: kc.makeApiClient(CoordinationV1Api),
      };
      cache.set(context, clients);
      return clients;
    },
  };
}
