import { suggest } from '../../util/suggest.ts';
import type { Catalog } from '../catalog/schema.ts';
import { asArray, asRecord, asString } from '../commands/loose.ts';
import type { ActionCatalog } from './check-inputs.ts';
import { eachString, TARGET_VARIABLES, templateProblems } from './template.ts';

type Problem = [(string | number)[], string];

/**
 * The longest sign-off role a gate message can offer a button for: the button's action_id is
 * `gate.signoff:<role>` and Slack takes at most 255 characters. A role over 63 characters
 * still renders: "Sign off as <role>" is shortened to the button's 75.
 */
export const SIGNOFF_ROLE_MAX = 255 - 'gate.signoff:'.length;

function unknown(what: string, name: string, names: string[]): string {
  const close = suggest(name, names);
  return `unknown ${what} "${name}"; known: ${names.join(', ') || '(none)'}${close ? `. Did you mean "${close}"?` : ''}`;
}

/**
 * Checks of a gate playbook that need the catalog, on raw data (so they run even when the
 * schema failed elsewhere): sign-off and waiver roles exist, promql environments exist, and
 * promql queries use only known template variables.
 */
export function checkGateAgainst(
  raw: Record<string, unknown>,
  options: { actions: ActionCatalog; catalog?: Catalog },
): Problem[] {
  const problems: Problem[] = [];
  asArray(raw.gates).forEach((gate, g) => {
    asArray(asRecord(gate).checks).forEach((check, c) => {
      const at = ['gates', g, 'checks', c];
      eachString(asRecord(check).query, (text) => {
        for (const message of templateProblems(text, TARGET_VARIABLES)) {
          problems.push([[...at, 'query'], message]);
        }
      });
    });
  });
  asArray(asRecord(raw.signoffs).roles).forEach((role, i) => {
    const name = asString(role);
    if (name !== undefined && name.length > SIGNOFF_ROLE_MAX) {
      problems.push([
        ['signoffs', 'roles', i],
        `is ${name.length} characters; its Sign-off button cannot name it (Slack takes at most 255 for gate.signoff:<role>), so a sign-off role has at most ${SIGNOFF_ROLE_MAX}`,
      ]);
    }
  });
  const catalog = options.catalog;
  if (!catalog) return problems;
  const roles = Object.keys(catalog.roles);
  const envs = Object.keys(catalog.environments);
  const roleAt = (list: unknown, path: (string | number)[]) =>
    asArray(list).forEach((role, i) => {
      const name = asString(role);
      if (name !== undefined && !roles.includes(name))
        problems.push([[...path, i], unknown('role', name, roles)]);
    });
  roleAt(asRecord(raw.signoffs).roles, ['signoffs', 'roles']);
  roleAt(asRecord(raw.waivers).roles, ['waivers', 'roles']);
  asArray(raw.gates).forEach((gate, g) => {
    asArray(asRecord(gate).checks).forEach((check, c) => {
      asArray(asRecord(check).environments).forEach((env, e) => {
        const name = asString(env);
        if (name !== undefined && !envs.includes(name))
          problems.push([
            ['gates', g, 'checks', c, 'environments', e],
            unknown('environment', name, envs),
          ]);
      });
    });
  });
  return problems;
}
