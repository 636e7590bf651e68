import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Catalog } from '../../../src/config/schema.ts';
import type { Signal } from '../../../src/domain/triage/schema.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const FIXTURES = path.resolve(HERE, '../../fixtures');

function env(
  context: string,
  namespace: string,
  workload: string,
  container: string,
  kind = 'Deployment',
) {
  return { context, namespace, workload: { kind, name: workload }, container };
}

function service(pd: string, environments: Record<string, unknown>) {
  return {
    description: 'A service.',
    slackChannel: '#team',
    pagerduty: { serviceId: pd },
    prometheus: { selector: '{service="x"}' },
    slo: [{ name: 'errors', query: 'up', comparison: '<', threshold: 1, description: 'Up.' }],
    environments,
  };
}

/**
 * checkout and payments in staging and prod, payments-worker sharing the payments namespace
 * (prod only), gateway in `edge` with an `envoy` container. prod is the protected one.
 */
export const CATALOG: Catalog = Catalog.parse({
  defaults: { environment: 'staging', slackChannel: '#mc-ops' },
  environments: {
    staging: { description: 'Pre-production.', protected: false },
    prod: { description: 'Production.', protected: true },
  },
  services: {
    checkout: service('PCHK7Q2', {
      staging: env('gke_acme-staging_europe-west1_main', 'checkout', 'checkout', 'app'),
      prod: env('gke_acme-prod_europe-west1_main', 'checkout', 'checkout', 'app', 'Rollout'),
    }),
    payments: service('PPAY3X9', {
      staging: env('gke_acme-staging_europe-west1_main', 'payments', 'payments', 'app'),
      prod: env('gke_acme-prod_europe-west1_pci', 'payments', 'payments', 'app'),
    }),
    'payments-worker': service('PPAYW01', {
      prod: env('gke_acme-prod_europe-west1_pci', 'payments', 'payments-worker', 'worker'),
    }),
    gateway: service('PGWY8M4', {
      staging: env('gke_acme-staging_europe-west1_main', 'edge', 'gateway', 'envoy'),
      prod: env('gke_acme-prod_europe-west1_main', 'edge', 'gateway', 'envoy'),
    }),
  },
  roles: { 'sre-lead': { description: 'SRE leads.', users: ['U01ALICE01'] } },
});

/** `03:14` → `2026-11-22T03:14:00.000Z`; `03:14:07` works too. */
export function t(hhmm: string): string {
  return new Date(`2026-11-22T${hhmm.length === 5 ? `${hhmm}:00` : hhmm}Z`).toISOString();
}

/** A firing Alertmanager signal on checkout/prod unless told otherwise. */
export function alert(id: string, name: string, at: string, over: Partial<Signal> = {}): Signal {
  return {
    source: 'alertmanager',
    id,
    name,
    service: 'checkout',
    env: 'prod',
    severity: 'critical',
    status: 'firing',
    labels: { alertname: name, namespace: 'checkout', severity: 'critical' },
    annotations: {},
    startedAt: t(at),
    at: t(at),
    groupKey: `{}:{alertname="${name}"}`,
    ...over,
  };
}

/** The same alert, resolved at `at`. */
export function resolved(signal: Signal, at: string): Signal {
  return { ...signal, status: 'resolved', resolvedAt: t(at), at: t(at) };
}

/** A PagerDuty incident signal on checkout/prod. */
export function page(id: string, title: string, at: string, over: Partial<Signal> = {}): Signal {
  return {
    source: 'pagerduty',
    id,
    name: title,
    title,
    service: 'checkout',
    env: 'prod',
    severity: 'critical',
    urgency: 'high',
    status: 'firing',
    labels: {},
    annotations: {},
    startedAt: t(at),
    at: t(at),
    link: `https://acme.pagerduty.com/incidents/${id}`,
    pagerduty: {
      id,
      number: 4812,
      serviceId: 'PCHK7Q2',
      url: `https://acme.pagerduty.com/incidents/${id}`,
    },
    ...over,
  };
}

/** A deploy signal: `checkout/prod 1.4.1 → 1.4.2 by alice` unless told otherwise. */
export function deployed(at: string, over: Partial<Signal> = {}): Signal {
  return {
    source: 'deploy',
    id: `checkout/prod@1.4.2@${t(at)}`,
    name: 'Deploy',
    service: 'checkout',
    env: 'prod',
    status: 'recorded',
    labels: {},
    annotations: {},
    startedAt: t(at),
    at: t(at),
    deploy: { from: '1.4.1', to: '1.4.2', by: 'alice' },
    ...over,
  };
}
