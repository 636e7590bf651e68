import type { Catalog } from '../catalog/schema.ts';

// Where rule sets and exporters put the service when no `service`/`app` label names it: the
// backend of an ingress (`exported_service`), a Kafka consumer group or topic, a queue, a
// database, an instance's host name (`checkout-redis-master.checkout.svc:6379`), or anything
// the catalog declares a service owns (`owns:` globs).

/** Labels whose value is a thing a service owns (queue, consumer group, database...). */
export const OWNED_LABELS = [
  'consumergroup',
  'group',
  'topic',
  'queue',
  'vhost',
  'datname',
  'database',
  'db',
  'dimension_QueueName',
  'dimension_DBInstanceIdentifier',
  'dimension_CacheClusterId',
  'dimension_FunctionName',
  'upstream',
  'backend',
  'name',
] as const;

/** Labels naming a dependency or a breaker (after what it calls): only `owns:` may claim them. */
const OWNS_ONLY = ['instance', 'name', 'upstream', 'backend'];

export interface Found {
  service: string;
  via: string;
  /** A namespace the convention itself names (`exported_namespace`, a `.svc` host name). */
  namespace?: string;
}

/** A glob (`*`, `?`) as an anchored, case-insensitive regex. */
function globRe(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/[*?]/g, (c) => (c === '*' ? '.*' : '.'));
  return new RegExp(`^${body}$`, 'i');
}

/** `payments` for `payments-settlement`: the longest catalog service name prefixing a value. */
export function prefixService(value: string, services: string[]): string | undefined {
  const lower = value.toLowerCase();
  const fits = services.filter(
    (s) => lower === s || (lower.startsWith(s) && /^[-_.]/.test(lower.slice(s.length))),
  );
  return fits.sort((a, b) => b.length - a.length)[0];
}

/** The service whose `owns:` globs fit the value, when exactly one does. */
function ownerOf(value: string, catalog: Catalog): { service: string; glob: string } | undefined {
  const owners = Object.entries(catalog.services).flatMap(([name, s]) => {
    const glob = s.owns.find((g) => globRe(g).test(value));
    return glob ? [{ service: name, glob }] : [];
  });
  return owners.length === 1 ? owners[0] : undefined;
}

/** `checkout-redis-master.checkout.svc:6379` → host `checkout-redis-master`, namespace `checkout`. */
export function serviceHost(
  instance: string | undefined,
): { host: string; fqdn: string; namespace?: string } | undefined {
  if (!instance) return undefined;
  const host = instance.replace(/^[a-z]+:\/\//, '').replace(/[:/].*$/, '');
  if (!host || /^\d+(\.\d+){3}$/.test(host)) return undefined;
  const svc = /^([^.]+)\.([^.]+)\.svc(\.|$)/.exec(host);
  if (svc?.[1] && svc[2]) return { host: svc[1], fqdn: host, namespace: svc[2] };
  return { host: host.split('.')[0] ?? host, fqdn: host };
}

/**
 * The catalog service named by the conventions above, in this order: `exported_service` (the
 * ingress backend), `application`, `owns:` globs over owned-thing labels and the instance host,
 * then a service name prefixing a consumer group, topic, queue or database, then the instance
 * host name (`<service>-...`).
 */
export function serviceByConvention(
  labels: Record<string, string>,
  catalog: Catalog,
): Found | undefined {
  const services = Object.keys(catalog.services);
  for (const label of ['exported_service', 'application']) {
    const value = labels[label]?.toLowerCase();
    if (value && services.includes(value)) {
      const found: Found = { service: value, via: `label ${label}` };
      if (label === 'exported_service' && labels.exported_namespace)
        found.namespace = labels.exported_namespace;
      return found;
    }
  }
  const host = serviceHost(labels.instance);
  const owned: [string, string][] = OWNED_LABELS.flatMap((l) =>
    labels[l] ? [[l, labels[l] ?? ''] as [string, string]] : [],
  );
  if (host) owned.push(['instance', labels.instance ?? '']);
  for (const [label, value] of owned) {
    const candidates = label === 'instance' && host ? [value, host.fqdn, host.host] : [value];
    for (const v of candidates) {
      const owner = ownerOf(v, catalog);
      if (owner) return { service: owner.service, via: `${label} ${value} (owns ${owner.glob})` };
    }
  }
  for (const [label, value] of owned) {
    if (OWNS_ONLY.includes(label)) continue;
    const service = prefixService(value, services);
    if (service) return { service, via: `${label} ${value}` };
  }
  const byHost = host ? prefixService(host.host, services) : undefined;
  if (host && byHost) {
    const found: Found = { service: byHost, via: `instance ${labels.instance}` };
    if (host.namespace) found.namespace = host.namespace;
    return found;
  }
  return undefined;
}

const ENV_HINT_LABELS = [
  'cluster',
  'k8s_cluster',
  'cluster_name',
  'kubernetes_cluster',
  'prometheus',
  'tenant',
];

/**
 * Words that may name an environment, from labels that say where the alert was evaluated
 * (`cluster`, `prometheus`, `tenant`...) and the host of its generatorURL:
 * `prometheus.staging.example.com` gives `staging`.
 */
export function envHints(labels: Record<string, string>, link?: string): string[] {
  const texts = ENV_HINT_LABELS.flatMap((l) => (labels[l] ? [labels[l] ?? ''] : []));
  if (link) {
    try {
      texts.push(new URL(link).hostname);
    } catch {
      // Not a URL: nothing to read.
    }
  }
  return texts.flatMap((t) => t.toLowerCase().split(/[^a-z0-9]+/)).filter(Boolean);
}
