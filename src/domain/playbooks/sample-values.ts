import type { Catalog } from '../catalog/schema.ts';
import type { Lookup } from './template.ts';

/**
 * Realistic stand-ins for every template variable, taken from the catalog where it has them:
 * load-time validation renders each step with these and checks the result against the
 * action's params schema, so `replicas: "{{ labels.pod }}"` fails before any incident.
 */
export function sampleLookup(catalog: Catalog | undefined): Lookup {
  const [service, spec] = Object.entries(catalog?.services ?? {})[0] ?? ['checkout', undefined];
  const [env, where] = Object.entries(spec?.environments ?? {})[0] ?? ['prod', undefined];
  const values: Record<string, string> = {
    service,
    env,
    'incident.id': 'inc-1',
    'incident.startedAt': '2026-01-01T00:00:00Z',
    'alert.name': 'KubePodCrashLooping',
    'alert.severity': 'critical',
    'alert.fingerprint': 'd41d8cd98f00b204',
    'deploy.from': '1.4.1',
    'deploy.to': '1.4.2',
    'deploy.by': 'alice',
    'deploy.at': '2026-01-01T00:00:00Z',
    'pagerduty.id': 'Q1EXAMPLE2ID3',
    'pagerduty.number': '1234',
    'pagerduty.url': 'https://example.pagerduty.com/incidents/Q1EXAMPLE2ID3',
    'pagerduty.title': 'Example incident',
    'labels.namespace': where?.namespace ?? service,
    'labels.container': where?.container ?? 'app',
  };
  return (name) =>
    values[name] ??
    (name.startsWith('labels.') || name.startsWith('annotations.') ? 'example' : undefined);
}
