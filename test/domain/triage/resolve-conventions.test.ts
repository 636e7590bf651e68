import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../../src/config/schema.ts';
import { resolveService } from '../../../src/domain/triage/resolve-service.ts';
import { CATALOG } from './world.ts';

const payments = CATALOG.services.payments;
const checkout = CATALOG.services.checkout;
/** The test catalog, where payments owns the settlement queues and its ledger database. */
const OWNING: Catalog = {
  ...CATALOG,
  services: {
    ...CATALOG.services,
    ...(payments ? { payments: { ...payments, owns: ['settlement-*', 'ledger-db'] } } : {}),
    ...(checkout
      ? { checkout: { ...checkout, owns: ['*.cart-cache.internal', 'stripe-api'] } }
      : {}),
  },
};

describe('domain/triage/resolve-conventions', () => {
  it.each<[string, Record<string, string>, string | undefined, string | undefined, string?]>([
    [
      "ingress-nginx's backend over the controller's own service and namespace",
      {
        service: 'ingress-nginx-controller-metrics',
        namespace: 'ingress-nginx',
        exported_service: 'checkout',
        exported_namespace: 'checkout',
      },
      'checkout',
      'prod',
      'label exported_service',
    ],
    [
      'a Kafka consumer group named after its service',
      { consumergroup: 'payments-settlement', topic: 'orders' },
      'payments',
      'prod',
      'consumergroup payments-settlement',
    ],
    [
      'the longest service name prefixing a consumer group',
      { consumergroup: 'payments-worker-refunds' },
      'payments-worker',
      'prod',
      'consumergroup payments-worker-refunds',
    ],
    ['a queue name', { queue: 'checkout.orders' }, 'checkout', 'prod', 'queue checkout.orders'],
    [
      'a Spring application label',
      { application: 'payments' },
      'payments',
      'prod',
      'label application',
    ],
    [
      'a Redis instance host name in the staging namespace',
      { instance: 'checkout-redis-master.checkout.svc.cluster.local:6379', cluster: 'staging-eu' },
      'checkout',
      'staging',
      'instance checkout-redis-master.checkout.svc.cluster.local:6379',
    ],
    [
      'what the catalog says a service owns: a queue',
      { queue: 'settlement-retries' },
      'payments',
      'prod',
      'queue settlement-retries (owns settlement-*)',
    ],
    [
      'what the catalog says a service owns: a database',
      { datname: 'ledger-db' },
      'payments',
      'prod',
      'datname ledger-db (owns ledger-db)',
    ],
    [
      'what the catalog says a service owns: a host',
      { instance: 'redis-1.cart-cache.internal:6379' },
      'checkout',
      'prod',
      'instance redis-1.cart-cache.internal:6379 (owns *.cart-cache.internal)',
    ],
    [
      'a dependency only its owner calls',
      { upstream: 'stripe-api' },
      'checkout',
      'prod',
      'upstream stripe-api (owns stripe-api)',
    ],
    [
      'a breaker named after the dependency it guards is not that dependency',
      { name: 'payments' },
      undefined,
      undefined,
    ],
    ['an IP address says nothing', { instance: '10.4.2.17:8080' }, undefined, undefined],
    [
      'the environment from the cluster label',
      { service: 'payments', cluster: 'gke_acme-staging_europe-west1_main' },
      'payments',
      'staging',
      'label service',
    ],
    [
      'the environment from the Prometheus that evaluated the rule',
      { service: 'checkout', prometheus: 'monitoring-staging/kube-prometheus' },
      'checkout',
      'staging',
      'label service',
    ],
  ])('resolves %s', (_, labels, service, env, via) => {
    const found = resolveService(labels, OWNING);
    expect(found?.service).toBe(service);
    expect(found?.env).toBe(env);
    if (via) expect(found?.via).toBe(via);
  });

  it('reads the environment from the host of the generatorURL', () => {
    const link = 'https://prometheus.staging.acme.example/graph?g0.expr=up';
    expect(resolveService({ service: 'checkout' }, OWNING, link)?.env).toBe('staging');
    expect(resolveService({ service: 'checkout' }, OWNING)?.env).toBe('prod');
  });
});
