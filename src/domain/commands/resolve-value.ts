import { didYouMean, suggest } from '../../util/suggest.ts';
import type { Catalog, CommandSpec } from '../catalog/schema.ts';
import {
  convertValue,
  EXPECTED,
  parseIncidentId,
  type ScalarValue,
  type ValueType,
} from './value-types.ts';

/** What the parser knows besides the text: the command specs and the catalog. */
export interface ParseContext {
  commands: Map<string, CommandSpec>;
  catalog: Catalog;
}

export type Resolved =
  | { ok: true; value: ScalarValue; service?: string; incident?: string }
  | { ok: false; message: string; suggestion?: string };

function findKey(keys: Iterable<string>, text: string): string | undefined {
  const lower = text.toLowerCase();
  for (const key of keys) if (key.toLowerCase() === lower) return key;
  return undefined;
}

function unknown(what: string, text: string, known: string[], extra = ''): Resolved {
  const suggestion = suggest(text, known);
  const list = known.length > 0 ? ` Known: ${known.join(', ')}.` : '';
  return {
    ok: false,
    message: `Unknown ${what} \`${text}\`.${extra}${list}${didYouMean(suggestion)}`,
    ...(suggestion ? { suggestion } : {}),
  };
}

/**
 * Checks and converts one typed value for its declared type. `label` names the slot in
 * messages (`<service>`, `--to`). Services, environments and verbs come back in their
 * canonical spelling, so `Checkout` resolves to `checkout`.
 */
export function resolveValue(
  type: ValueType,
  text: string,
  label: string,
  ctx: ParseContext,
  values: readonly string[] = [],
): Resolved {
  const services = Object.keys(ctx.catalog.services);
  switch (type) {
    case 'service': {
      const service = findKey(services, text);
      return service ? { ok: true, value: service, service } : unknown('service', text, services);
    }
    case 'environment': {
      const envs = Object.keys(ctx.catalog.environments);
      const env = findKey(envs, text);
      return env ? { ok: true, value: env } : unknown('environment', text, envs);
    }
    case 'verb': {
      const verb = findKey(ctx.commands.keys(), text);
      return verb ? { ok: true, value: verb } : unknown('command', text, [...ctx.commands.keys()]);
    }
    case 'service-or-incident': {
      const service = findKey(services, text);
      if (service) return { ok: true, value: service, service };
      const incident = parseIncidentId(text);
      if (incident) return { ok: true, value: incident, incident };
      return unknown('service', text, services, ' It is not a PagerDuty incident id either.');
    }
    case 'enum': {
      const value = convertValue(type, text, values);
      if (value !== undefined) return { ok: true, value };
      const suggestion = suggest(text, values);
      const list = values.map((v) => `\`${v}\``).join(', ');
      return {
        ok: false,
        message: `\`${label}\` must be one of ${list}, not \`${text}\`.${didYouMean(suggestion)}`,
        ...(suggestion ? { suggestion } : {}),
      };
    }
    default: {
      const value = convertValue(type, text, values);
      if (value !== undefined) return { ok: true, value };
      return { ok: false, message: `\`${label}\` expects ${EXPECTED[type]}, not \`${text}\`.` };
    }
  }
}

/**
 * Whether `service` runs in `env`: "`checkout` has no environment `prd`. Known: staging, prod."
 * Returns the message, or undefined when it does.
 */
export function checkServiceEnv(
  service: string,
  env: string,
  ctx: ParseContext,
  defaulted: boolean,
): { message: string; suggestion?: string } | undefined {
  const known = Object.keys(ctx.catalog.services[service]?.environments ?? {});
  if (known.includes(env)) return undefined;
  if (defaulted) {
    return {
      message: `\`${service}\` does not run in \`${env}\` (the default environment). Pick one with \`--env\`: ${known.join(', ')}.`,
    };
  }
  const suggestion = suggest(env, known);
  return {
    message: `\`${service}\` has no environment \`${env}\`. Known: ${known.join(', ')}.${didYouMean(suggestion)}`,
    ...(suggestion ? { suggestion } : {}),
  };
}
