import { suggest } from '../../util/suggest.ts';
import type { Catalog } from '../catalog/schema.ts';
import { asArray, asRecord, asString } from '../commands/loose.ts';
import type { ActionCatalog } from './check-inputs.ts';
import { eachString, TARGET_VARIABLES, templateProblems } from './template.ts';

type Problem = [(string | number)[], string];

/** The action each fault kind runs: it must exist in the registry this bot was built with. */
const FAULT_ACTIONS: Record<string, string> = {
  'pod-kill': 'k8s.delete-pods',
  'dependency-outage': 'k8s.scale',
  'rollback-rehearsal': 'k8s.rollout-undo',
  'kill-switch': 'k8s.set-configmap-key',
};

function unknown(what: string, name: string, names: string[]): string {
  const close = suggest(name, names);
  return `unknown ${what} "${name}"; known: ${names.join(', ') || '(none)'}${close ? `. Did you mean "${close}"?` : ''}`;
}

/**
 * Checks of a drill playbook that need the actions or the catalog, on raw data (so they run
 * even when the schema failed elsewhere): templates in what the planner fills (fault, recovery
 * condition, restore) use only service and env, the fault's action exists and its params fit
 * (kill switch: a ConfigMap name and key, with sample values), and the allowed environments
 * exist in the catalog.
 */
export function checkDrillAgainst(
  raw: Record<string, unknown>,
  options: { actions: ActionCatalog; catalog?: Catalog },
): Problem[] {
  const problems: Problem[] = [];
  const fault = asRecord(raw.fault);
  let broken = false;
  for (const [value, at] of [
    [fault, ['fault']],
    [asRecord(raw.recovery).condition, ['recovery', 'condition']],
    [raw.restore, ['restore']],
  ] as [unknown, (string | number)[]][]) {
    eachString(value, (text, path) => {
      for (const message of templateProblems(text, TARGET_VARIABLES)) {
        broken ||= at[0] === 'fault';
        problems.push([[...at, ...path], message]);
      }
    });
  }
  const kind = asString(fault.kind);
  const action = kind === undefined ? undefined : FAULT_ACTIONS[kind];
  if (action && !options.actions.names().includes(action)) {
    problems.push([['fault', 'kind'], `needs the action ${action}, which this bot does not have`]);
  } else if (kind === 'kill-switch' && !broken) {
    // Sample values stand in for the placeholders, as in triage steps.
    const fill = (text: unknown) =>
      String(text ?? '')
        .replace(/\{\{\s*service\s*\}\}/g, 'checkout')
        .replace(/\{\{\s*env\s*\}\}/g, 'staging');
    const params = {
      service: 'checkout',
      env: 'staging',
      configMap: fill(fault.configMap),
      key: fill(fault.key),
      value: String(fault.value ?? ''),
    };
    const check = options.actions.validateParams('k8s.set-configmap-key', params);
    for (const message of check.ok ? [] : check.errors) {
      const [, param, rest] = /^([\w-]+): (.*)$/s.exec(message) ?? [];
      problems.push([
        param ? ['fault', param] : ['fault'],
        `${rest ?? message} (k8s.set-configmap-key, with sample values)`,
      ]);
    }
  }
  if (!options.catalog) return problems;
  const envs = Object.keys(options.catalog.environments);
  asArray(raw.environments).forEach((env, i) => {
    const name = asString(env);
    if (name !== undefined && !envs.includes(name)) {
      problems.push([['environments', i], unknown('environment', name, envs)]);
    }
  });
  return problems;
}
