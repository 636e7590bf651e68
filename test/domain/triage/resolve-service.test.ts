import { describe, expect, it } from 'vitest';
import { productionMost, resolveService } from '../../../src/domain/triage/resolve-service.ts';
import { CATALOG } from './world.ts';

describe('domain/triage/resolve-service', () => {
  it.each<
    [string, Record<string, string>, string | undefined, string | undefined, string | undefined]
  >([
    ['a service label', { service: 'checkout' }, 'checkout', 'prod', 'label service'],
    ['app before job', { app: 'payments', job: 'checkout' }, 'payments', 'prod', 'label app'],
    [
      'the recommended Kubernetes name label',
      { app_kubernetes_io_name: 'gateway' },
      'gateway',
      'prod',
      'label app_kubernetes_io_name',
    ],
    ['a job named like the service', { job: 'checkout' }, 'checkout', 'prod', 'label job'],
    [
      'a deployment label',
      { deployment: 'payments-worker' },
      'payments-worker',
      'prod',
      'label deployment',
    ],
    ['a unique container name', { container: 'envoy' }, 'gateway', 'prod', 'label container'],
    [
      'a Sloth service label',
      { sloth_service: 'checkout' },
      'checkout',
      'prod',
      'label sloth_service',
    ],
    [
      'kube-state-metrics labels: its own service and job are skipped, namespace + pod decide',
      {
        service: 'kube-prometheus-stack-kube-state-metrics',
        job: 'kube-state-metrics',
        container: 'app',
        namespace: 'checkout',
        pod: 'checkout-7d9f8c6b5-x2x9q',
      },
      'checkout',
      'prod',
      'namespace checkout + pod checkout-7d9f8c6b5-x2x9q',
    ],
    [
      'the longest workload prefix of a pod wins in a shared namespace',
      { namespace: 'payments', pod: 'payments-worker-5d8f9-abcde' },
      'payments-worker',
      'prod',
      'namespace payments + pod payments-worker-5d8f9-abcde',
    ],
    [
      'a pod of the shorter workload in the shared namespace',
      { namespace: 'payments', pod: 'payments-6c7b9d-q2w3e' },
      'payments',
      'prod',
      'namespace payments + pod payments-6c7b9d-q2w3e',
    ],
    [
      'an HPA name',
      { namespace: 'edge', horizontalpodautoscaler: 'gateway' },
      'gateway',
      'prod',
      'namespace edge + horizontalpodautoscaler gateway',
    ],
    [
      'a namespace only one service uses',
      { namespace: 'edge' },
      'gateway',
      'prod',
      'namespace edge',
    ],
    [
      'a shared namespace alone is ambiguous',
      { namespace: 'payments' },
      undefined,
      undefined,
      undefined,
    ],
    [
      'a container two services share is ambiguous',
      { container: 'app' },
      undefined,
      undefined,
      undefined,
    ],
    [
      'nothing that names a service',
      { alertname: 'NodeDiskFull', instance: 'node-1' },
      undefined,
      undefined,
      undefined,
    ],
    [
      'an env label',
      { service: 'checkout', env: 'staging' },
      'checkout',
      'staging',
      'label service',
    ],
    [
      'an environment label alias',
      { app: 'checkout', environment: 'production' },
      'checkout',
      'prod',
      'label app',
    ],
    [
      'an unknown env label falls back',
      { service: 'checkout', env: 'qa' },
      'checkout',
      'prod',
      'label service',
    ],
    [
      'a cluster label that is one segment of one context',
      { service: 'payments', cluster: 'main' },
      'payments',
      'staging',
      'label service',
    ],
    [
      'a cluster label naming the staging project',
      { service: 'checkout', cluster: 'gke_acme-staging_europe-west1_main' },
      'checkout',
      'staging',
      'label service',
    ],
    [
      'a service that only runs in prod',
      { service: 'payments-worker', env: 'staging' },
      'payments-worker',
      'prod',
      'label service',
    ],
  ])('%s', (_, labels, service, env, via) => {
    const found = resolveService(labels, CATALOG);
    expect(found?.service).toBe(service);
    expect(found?.env).toBe(env);
    expect(found?.via).toBe(via);
  });

  it('takes the first protected environment as the production-most one', () => {
    expect(productionMost(CATALOG)).toBe('prod');
    expect(
      productionMost({
        ...CATALOG,
        environments: { staging: { description: 's', protected: false, freeze: [] } },
      }),
    ).toBe('staging');
  });
});
