import type { WorkloadRef } from '../adapters/kubernetes/types.ts';
import { type Catalog, unknownName } from '../domain/catalog/schema.ts';
import { suggest } from '../util/suggest.ts';
import { ActionError } from './action-error.ts';

/** A catalog service/env resolved to where it runs. */
export interface ResolvedTarget {
  service: string;
  env: string;
  /** `checkout/prod`: how plans and errors name the target. */
  label: string;
  workload: WorkloadRef;
  container: string;
}

/** Looks `service`/`env` up in the catalog; an unknown one fails with the known names. */
export function resolveTarget(catalog: Catalog, service: string, env: string): ResolvedTarget {
  const entry = Object.hasOwn(catalog.services, service) ? catalog.services[service] : undefined;
  if (!entry) {
    throw new ActionError(
      'unknown_target',
      unknownName('service', service, Object.keys(catalog.services)),
    );
  }
  const envs = Object.keys(entry.environments);
  const where = Object.hasOwn(entry.environments, env) ? entry.environments[env] : undefined;
  if (!where) {
    const close = suggest(env, envs);
    throw new ActionError(
      'unknown_target',
      `\`${service}\` has no environment \`${env}\`. Known: ${envs.join(', ')}.${close ? ` Did you mean \`${close}\`?` : ''}`,
    );
  }
  return {
    service,
    env,
    label: `${service}/${env}`,
    workload: {
      context: where.context,
      namespace: where.namespace,
      kind: where.workload.kind,
      name: where.workload.name,
    },
    container: where.container,
  };
}
