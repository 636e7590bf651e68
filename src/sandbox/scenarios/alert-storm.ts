import type { Scenario } from './types.ts';

/** Services outside catalog.yml that the storm also hits (the rest of a typical shop). */
const OTHERS = [
  'search',
  'inventory',
  'cart',
  'pricing',
  'recommendations',
  'reviews',
  'shipping',
  'notifications',
  'auth',
  'accounts',
  'orders',
  'fulfillment',
  'loyalty',
  'tax',
  'media',
  'analytics',
  'wishlist',
];

/** How long the "network partition" lasts before every target is back up. */
const STORM_MS = 90_000;

/**
 * A zone's network partition: TargetDown for 20 services at once, one Alertmanager group.
 * The catalog's services resolve to their own incidents; the other 17 are not in the catalog,
 * so the bot correlates them by group key into one incident. Heals by itself after 90 s.
 */
export const alertStorm: Scenario = {
  id: 'alert-storm',
  title: 'alert storm across 20 services',
  description:
    'A network partition in europe-west1-b: TargetDown for 20 services in one Alertmanager group (3 from catalog.yml, 17 others). Expect one message per incident, not per alert. Heals after 90 s.',
  async start(ctx) {
    const started = Date.now();
    const services = [...Object.keys(ctx.catalog.services), ...OTHERS].slice(0, 20);
    ctx.note(
      `partition in europe-west1-b: ${services.length} services unreachable for ${STORM_MS / 1000} s`,
    );
    return [
      {
        title: `TargetDown × ${services.length}`,
        groupBy: ['alertname'],
        alerts: services.map((service) => {
          const env: Record<string, string> = ctx.catalog.services[service] ? { env: 'prod' } : {};
          const namespace = ctx.catalog.services[service]?.environments.prod?.namespace ?? service;
          return {
            labels: {
              alertname: 'TargetDown',
              severity: 'warning',
              job: service,
              namespace,
              zone: 'europe-west1-b',
              ...env,
            },
            annotations: { summary: `100% of the ${service} targets in europe-west1-b are down` },
          };
        }),
        healthy: () => Date.now() - started > STORM_MS,
      },
    ];
  },
};
