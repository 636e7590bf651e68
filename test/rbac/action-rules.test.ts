import { describe, expect, it } from 'vitest';
import { BUILTIN_ACTIONS } from '../../src/actions/builtin-actions.ts';
import { declaredAccess } from '../../src/actions/declared-access.ts';
import type { KubeAccess, KubeWorkloadKind } from '../../src/domain/rbac/types.ts';
import { lifeOf, SCENARIOS, type Scenario } from './action-scenarios.ts';
import { botRoles, startRbacWorld } from './rbac-world.ts';

const declared = declaredAccess(BUILTIN_ACTIONS);
const envOf = (kind: KubeWorkloadKind) => (kind === 'Deployment' ? 'staging' : 'prod');

/** Runs the scenario as the bot bound to a Role of exactly `kube`; the 403s it met. */
async function runWith(name: string, scenario: Scenario, kube: KubeAccess) {
  const world = await startRbacWorld();
  try {
    await scenario.setup(world);
    await world.grant(botRoles(envOf(scenario.kind), [{ name, kube }]));
    const action = BUILTIN_ACTIONS.find((a) => a.name === name);
    if (!action) throw new Error(`no action ${name}`);
    const outcome = await lifeOf(action, world.bot, scenario.params).then(
      () => undefined,
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    return { outcome, forbidden: world.forbidden() };
  } finally {
    await world.close();
  }
}

/** The declaration of one kind with one verb of one rule taken away. */
function without(kube: KubeAccess, kind: KubeWorkloadKind, rule: number, verb: string) {
  const rules = (kube[kind] ?? [])
    .map((r, i) => (i === rule ? { ...r, verbs: r.verbs.filter((v) => v !== verb) } : r))
    .filter((r) => r.verbs.length > 0);
  return { [kind]: rules };
}

const cases = declared.flatMap((d) =>
  (SCENARIOS[d.name] ?? []).map((s, i) => [d.name, s.kind, i + 1, s] as const),
);
/** Every verb of every rule, with the scenarios of its kind: one of them must need it. */
const removals = declared.flatMap(({ name, kube }) =>
  Object.entries(kube).flatMap(([kind, rules]) =>
    rules.flatMap((rule, i) =>
      rule.verbs.map((verb) => {
        const scenarios = (SCENARIOS[name] ?? []).filter((s) => s.kind === kind);
        const k = kind as KubeWorkloadKind;
        return [name, k, `${verb} ${rule.resource}`, scenarios, i, verb] as const;
      }),
    ),
  ),
);

describe('rbac: the rules actions declare', () => {
  it('has a scenario for every kind every action declares, and a declaration for every scenario', () => {
    const declaredKinds = declared.flatMap((d) => Object.keys(d.kube).map((k) => `${d.name} ${k}`));
    const scenarioKinds = Object.entries(SCENARIOS).flatMap(([name, list]) =>
      list.map((s) => `${name} ${s.kind}`),
    );
    expect([...new Set(scenarioKinds)].sort()).toEqual(declaredKinds.sort());
  });

  it.each(cases)(
    'are enough for %s on a %s (scenario %i): plan, apply, verify, revert pass with no 403',
    async (name, kind, _n, scenario) => {
      const kube = declared.find((d) => d.name === name)?.kube ?? {};
      const { outcome, forbidden } = await runWith(name, scenario, { [kind]: kube[kind] });
      expect({ outcome, forbidden }).toEqual({ outcome: undefined, forbidden: [] });
    },
  );

  it.each(removals)(
    'are all needed: %s on a %s fails without %s',
    async (name, kind, _what, scenarios, rule, verb) => {
      const kube = declared.find((d) => d.name === name)?.kube ?? {};
      const fewer = without(kube, kind, rule, verb);
      const failed = [];
      for (const scenario of scenarios) {
        const run = await runWith(name, scenario, fewer);
        if (run.outcome !== undefined && run.forbidden.length > 0) failed.push(run.outcome);
      }
      expect(failed.length).toBeGreaterThan(0);
    },
  );
});
