import { isDeepStrictEqual } from 'node:util';
import { restoreSteps } from '../domain/drills/restore-steps.ts';
import { mayRequestUnder, type PolicyRule, type Requirements } from '../domain/policy/index.ts';
import type { RunTarget } from '../domain/runs/index.ts';
import { type PolicyScope, rolesOf, runRequirements } from './check-requester.ts';
import type { EngineCore } from './engine-core.ts';
import { readRun } from './run-store.ts';
import type { Actor, RunRequest } from './types.ts';

/** A triage playbook's `approval` override for `env`, as a rule that can only tighten. */
export function playbookRule(
  core: EngineCore,
  playbookId: string | undefined,
  env: string,
): { rule: PolicyRule; source: string }[] {
  if (playbookId === undefined) return [];
  const playbook = core.playbooks.find((p) => p.kind === 'triage' && p.id === playbookId);
  const override = playbook?.kind === 'triage' ? playbook.approval?.[env] : undefined;
  if (!override) return [];
  return [
    {
      rule: { approvals: override, selfApproval: false },
      source: `playbook ${playbookId} approval.${env}`,
    },
  ];
}

/** The scope of a requested run: its steps' actions and the rules its origin adds. */
export function scopeOf(core: EngineCore, request: RunRequest): PolicyScope {
  return {
    actions: request.steps.map((s) => s.action),
    tighten: [
      ...playbookRule(core, request.playbook, request.target.env),
      ...(request.tighten ?? []),
    ],
  };
}

/**
 * A restore covered by an earlier run's approval (a drill puts back what its fault changed):
 * allowed only for that run's requester, on its target, after it succeeded, and only when the
 * steps asked for are exactly the restore of what it changed. Then the run needs no new
 * approval; anything else is refused with the reason.
 */
export async function coveredRequirements(
  core: EngineCore,
  request: RunRequest,
  requirements: Requirements,
): Promise<{ ok: true; requirements: Requirements } | { ok: false; message: string }> {
  const coveredBy = request.coveredBy;
  if (coveredBy === undefined) return { ok: true, requirements };
  const original = await readRun(core.db, coveredBy);
  const run = original?.run;
  const refuse = (why: string) => ({
    ok: false as const,
    message: `Run ${coveredBy} cannot cover this restore: ${why}.`,
  });
  if (!run) return refuse('it does not exist');
  if (run.requester !== request.requester.id) return refuse('it was asked for by someone else');
  if (run.verb !== request.verb || !sameTarget(run.target, request.target)) {
    return refuse('it acted on another verb or target');
  }
  if (run.state !== 'succeeded') return refuse(`it is ${run.state}, not succeeded`);
  const expected = restoreSteps(run.steps);
  const asked = request.steps.map(({ action, params }) => ({ action, params }));
  if (!expected.ok || !isDeepStrictEqual(expected.steps, asked)) {
    return refuse('these steps are not the restore of what it changed');
  }
  return {
    ok: true,
    requirements: {
      ...requirements,
      approvals: { count: 0, roles: [] },
      basis: [...(requirements.basis ?? []), `covered by the approval of run ${coveredBy}`],
    },
  };
}

function sameTarget(a: RunTarget, b: RunTarget): boolean {
  return a.service === b.service && a.env === b.env;
}

/**
 * A decision outside a run (dismissing a triage suggestion acknowledges the page): someone the
 * effective policy lets request `verb` on the target, holding at least one catalog role, so a
 * stranger cannot silence paging even where the verb itself is open to anyone.
 */
export async function permits(
  core: EngineCore,
  input: { verb: string; target: RunTarget; actor: Actor; actions?: readonly string[] },
): Promise<{ ok: true } | { ok: false; message: string }> {
  const spec = core.commands.get(input.verb);
  if (!spec) return { ok: false, message: `\`/mc ${input.verb}\` has no policy here.` };
  const requirements = runRequirements(core, spec, input.target, {
    ...(input.actions ? { actions: input.actions } : {}),
  });
  const { roles, lookupError } = await rolesOf(core, input.actor.id);
  const allowed = mayRequestUnder(requirements, roles);
  if (!allowed.ok) return { ok: false, message: lookupError ?? allowed.message };
  if (roles.size === 0) {
    return {
      ok: false,
      message:
        lookupError ??
        `Only people who hold a role in catalog.yml may do that for \`${input.target.service}\` in \`${input.target.env}\`.`,
    };
  }
  return { ok: true };
}
