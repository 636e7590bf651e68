import {
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';
import { suggest } from '../../util/suggest.ts';
import { KubeError } from './kube-error.ts';

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
      if (!kubeConfig.getContextObject(context)) {
        const known = contexts();
        const close = suggest(context, known);
        throw new KubeError({
          status: 0,
          reason: 'UnknownContext',
          message: `the kubeconfig has no context "${context}" (known: ${known.join(', ') || 'none'}).${close ? ` Did you mean "${close}"?` : ''} Check KUBECONFIG and the contexts in catalog.yml.`,
        });
      }
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
