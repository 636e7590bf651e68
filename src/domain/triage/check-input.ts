import { suggest } from '../../util/suggest.ts';
import type { Catalog } from '../catalog/schema.ts';
import { asArray, asRecord, asString } from '../commands/loose.ts';
import { TriageInput } from './schema.ts';

const TOP_KEYS = ['now', 'alertmanager', 'pagerduty', 'deploys'];
const DEPLOY_KEYS = ['service', 'env', 'from', 'to', 'by', 'at'];

export interface InputProblem {
  path: (string | number)[];
  message: string;
}

export type ParsedTriageInput =
  | { ok: true; input: TriageInput }
  | { ok: false; problems: InputProblem[] };

/** Parses a replay bundle and checks it against the catalog; every problem, not the first. */
export function parseTriageInput(json: unknown, catalog: Catalog): ParsedTriageInput {
  const parsed = TriageInput.safeParse(json);
  const problems: InputProblem[] = parsed.success
    ? []
    : parsed.error.issues.flatMap((issue) => {
        const path = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
        if (issue.code === 'unrecognized_keys') {
          return issue.keys.map((key) => {
            const close = suggest(key, path.length === 0 ? TOP_KEYS : DEPLOY_KEYS);
            return {
              path: [...path, key],
              message: `unknown key${close ? `; did you mean "${close}"?` : ''}`,
            };
          });
        }
        const missing = issue.code === 'invalid_type' && issue.input === undefined;
        return [{ path, message: missing ? `is required (${issue.expected})` : issue.message }];
      });
  problems.push(...checkTriageInput(json, catalog));
  return parsed.success && problems.length === 0
    ? { ok: true, input: parsed.data }
    : { ok: false, problems };
}

/**
 * What the schema cannot see: deploys of services or environments the catalog does not know,
 * and events recorded after `now` (the replay would see the future). Reads loosely, so it
 * adds to the schema's problems instead of waiting for them to be fixed.
 */
export function checkTriageInput(input: unknown, catalog: Catalog): InputProblem[] {
  const problems: InputProblem[] = [];
  const raw = asRecord(input);
  const now = Date.parse(asString(raw.now) ?? '');
  const later = (path: (string | number)[], at: unknown) => {
    const ms = typeof at === 'string' ? Date.parse(at) : Number.NaN;
    if (ms > now) problems.push({ path, message: `${at} is after now (${raw.now})` });
  };
  const services = Object.keys(catalog.services);
  asArray(raw.deploys).forEach((item, i) => {
    const deploy = asRecord(item);
    const service = asString(deploy.service);
    const env = asString(deploy.env);
    const spec = service === undefined ? undefined : catalog.services[service];
    if (service !== undefined && !spec) {
      const close = suggest(service, services);
      problems.push({
        path: ['deploys', i, 'service'],
        message: `unknown service "${service}"; known: ${services.join(', ')}${close ? `. Did you mean "${close}"?` : ''}`,
      });
    } else if (spec && env !== undefined && !Object.hasOwn(spec.environments, env)) {
      const envs = Object.keys(spec.environments);
      problems.push({
        path: ['deploys', i, 'env'],
        message: `${service} has no environment "${env}"; known: ${envs.join(', ')}`,
      });
    }
    later(['deploys', i, 'at'], deploy.at);
  });
  asArray(raw.alertmanager).forEach((webhook, i) => {
    asArray(asRecord(webhook).alerts).forEach((alert, j) => {
      const startsAt = asRecord(alert).startsAt;
      const path = ['alertmanager', i, 'alerts', j, 'startsAt'];
      if (typeof startsAt === 'string' && Number.isNaN(Date.parse(startsAt))) {
        problems.push({ path, message: `"${startsAt}" is not an ISO-8601 time` });
      } else later(path, startsAt);
    });
  });
  asArray(raw.pagerduty).forEach((body, i) => {
    later(['pagerduty', i, 'event', 'occurred_at'], asRecord(asRecord(body).event).occurred_at);
  });
  return problems;
}

/** `deploys.0.env: checkout has no ...`: one line per problem. */
export function formatInputProblems(problems: InputProblem[]): string[] {
  return problems.map((p) => `${p.path.join('.') || '(input)'}: ${p.message}`);
}
