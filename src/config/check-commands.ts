import { asArray, asRecord } from '../domain/commands/loose.ts';
import type { ConfigError } from './config-error.ts';
import { Flag, Policy, unknownName } from './schema.ts';

/** The names in a catalog that command specs refer to. Read loosely, so they exist even when
 * the catalog has errors of its own and every problem can be listed at once. */
export interface CatalogNames {
  environments: string[];
  protectedEnvironments: string[];
  services: string[];
  roles: string[];
}

/** Collects the names a command spec may refer to from raw catalog data. */
export function catalogNames(raw: unknown): CatalogNames {
  const catalog = asRecord(raw);
  const environments = asRecord(catalog.environments);
  return {
    environments: Object.keys(environments),
    protectedEnvironments: Object.keys(environments).filter(
      (env) => asRecord(environments[env]).protected === true,
    ),
    services: Object.keys(asRecord(catalog.services)),
    roles: Object.keys(asRecord(catalog.roles)),
  };
}

/**
 * Checks that a command spec fits the catalog: its policies name known roles and environments,
 * cover every environment once they name one, never let someone approve their own request in
 * a protected environment, and its defaults name things that exist. Reads the spec loosely and
 * checks each policy and flag that is valid on its own, so these errors are listed even when
 * the rest of the file has others.
 */
export function checkCommandAgainstCatalog(
  raw: unknown,
  catalog: CatalogNames,
  file: string,
  lineOf: (path: PropertyKey[]) => number | undefined,
): ConfigError[] {
  const errors: ConfigError[] = [];
  const push = (path: (string | number)[], message: string) => {
    const line = lineOf(path);
    errors.push({ file, path: path.join('.'), message, ...(line ? { line } : {}) });
  };
  const spec = asRecord(raw);
  const grammars: [(string | number)[], Record<string, unknown>][] = [
    [[], spec],
    ...asArray(spec.subcommands).map((s, i): [(string | number)[], Record<string, unknown>] => [
      ['subcommands', i],
      asRecord(s),
    ]),
  ];
  for (const [at, grammar] of grammars) {
    const policy = Policy.safeParse(grammar.policy);
    if (policy.success) checkPolicy(policy.data, [...at, 'policy'], catalog, push);
    asArray(grammar.flags).forEach((item, i) => {
      const flag = Flag.safeParse(item);
      if (!flag.success || flag.data.default === undefined) return;
      const value = String(flag.data.default);
      const known =
        flag.data.type === 'environment'
          ? catalog.environments
          : flag.data.type === 'service'
            ? catalog.services
            : undefined;
      if (known && !known.includes(value)) {
        push([...at, 'flags', i, 'default'], unknownName(flag.data.type, value, known));
      }
    });
  }
  return errors;
}

function checkPolicy(
  policy: Policy,
  at: (string | number)[],
  catalog: CatalogNames,
  push: (path: (string | number)[], message: string) => void,
): void {
  const { roles, environments: envs } = catalog;
  if (policy.requesters !== 'anyone') {
    policy.requesters.forEach((role, i) => {
      if (!roles.includes(role)) push([...at, 'requesters', i], unknownName('role', role, roles));
    });
  }
  const named = Object.keys(policy.environments);
  for (const [env, rule] of Object.entries(policy.environments)) {
    const here = [...at, 'environments', env];
    if (!envs.includes(env)) push(here, unknownName('environment', env, envs));
    rule.approvals.roles.forEach((role, i) => {
      if (!roles.includes(role)) {
        push([...here, 'approvals', 'roles', i], unknownName('role', role, roles));
      }
    });
    if (
      catalog.protectedEnvironments.includes(env) &&
      rule.approvals.count > 0 &&
      rule.selfApproval
    ) {
      push([...here, 'selfApproval'], `must be false: "${env}" is a protected environment`);
    }
  }
  // A policy that names some environments but not all leaves the rest undefined: refuse.
  if (named.length > 0) {
    for (const env of envs.filter((e) => !named.includes(e))) {
      push([...at, 'environments'], `has no rule for environment "${env}"`);
    }
  }
}
