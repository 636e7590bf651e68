import { resolveTarget } from '../actions/resolve-target.ts';
import type { ActionPlan, PlannedAction } from '../actions/types.ts';
import { unknownName } from '../config/schema.ts';
import { planHash } from '../domain/policy/index.ts';
import { kubeIdentityFor } from '../domain/rbac/kube-identity.ts';
import type { RunStep } from '../domain/runs/index.ts';
import { checkKubeAccess } from './check-kube-access.ts';
import { checkRequester } from './check-requester.ts';
import { createRun, refuseLocked } from './create-run.ts';
import { type EngineCore, errorMessage, toJson } from './engine-core.ts';
import { coveredRequirements, scopeOf } from './run-policy.ts';
import { stepName } from './step-params.ts';
import { lockHolder } from './target-lock.ts';
import { refuse } from './transition.ts';
import type { EngineOutcome, EngineRefusal, RunRequest, StepRequest } from './types.ts';

/**
 * Every problem with the steps' params, all at once: unknown actions, params that do not fit
 * the action's schema, a step aimed at another service or environment than the run's target.
 */
function checkSteps(
  core: EngineCore,
  request: RunRequest,
): { errors: string[]; parsed: unknown[] } {
  const errors: string[] = [];
  const parsed: unknown[] = [];
  if (request.steps.length === 0) errors.push('A run needs at least one step.');
  request.steps.forEach((step: StepRequest, i) => {
    const check = core.actions.validateParams(step.action, step.params);
    if (!check.ok) {
      errors.push(...check.errors.map((e) => `${stepName(i, step.action)}: ${e}`));
      return;
    }
    parsed.push(check.params);
    const { service, env } = step.params as { service?: unknown; env?: unknown };
    const { target } = request;
    if (
      (service !== undefined && service !== target.service) ||
      (env !== undefined && env !== target.env)
    ) {
      errors.push(
        `${stepName(i, step.action)}: acts on ${String(service)}/${String(env)}, but the run's target is ${target.service}/${target.env}.`,
      );
    }
  });
  return { errors, parsed };
}

/**
 * request(): the verb's policy for the requester, the steps' params, the target lock, then
 * each step planned against the live state; stores the run when all of that holds.
 */
export async function requestRun(core: EngineCore, request: RunRequest): Promise<EngineOutcome> {
  const { target, requester } = request;
  const refusal = (code: EngineRefusal, message: string, data: Record<string, unknown> = {}) =>
    refuse(core, undefined, {
      code,
      message,
      actor: requester.id,
      target,
      data: { verb: request.verb, ...data },
    });

  const spec = core.commands.get(request.verb);
  if (!spec) {
    return refusal(
      'invalid_params',
      unknownName('command', request.verb, [...core.commands.keys()]),
    );
  }
  try {
    resolveTarget(core.catalog, target.service, target.env);
  } catch (error) {
    return refusal('invalid_params', errorMessage(error));
  }
  const policy = await checkRequester(
    core,
    spec,
    target,
    requester.id,
    request.reason,
    scopeOf(core, request),
    request.typed,
  );
  if (!policy.ok) return refusal(policy.code, policy.message);
  const covered = await coveredRequirements(core, request, policy.requirements);
  if (!covered.ok) return refusal('not_allowed', covered.message);
  const { errors, parsed } = checkSteps(core, request);
  if (errors.length > 0) {
    return refusal(
      'invalid_params',
      `The run cannot be planned:\n${errors.map((e) => `• ${e}`).join('\n')}`,
    );
  }
  // Checked again by the unique index on insert; this early look spares the cluster reads.
  if (await lockHolder(core.db, target)) return refuseLocked(core, target, requester.id);

  const who = kubeIdentityFor(core.catalog, target.env, requester.id);
  if (!who.ok) return refusal('not_allowed', who.message);
  const ctx = core.actionContext(requester, who.identity);
  if (who.identity) {
    // The person's own rights, asked of the cluster before anything is planned or stored.
    const kubeIdentity = who.identity;
    const denied = await checkKubeAccess(ctx, core.actions, request.steps, kubeIdentity).catch(
      (error: unknown) => `Kubernetes could not check access: ${errorMessage(error)}`,
    );
    if (denied) return refusal('not_allowed', denied, { kubeIdentity });
  }
  const plans: PlannedAction[] = [];
  for (const [i, step] of request.steps.entries()) {
    try {
      plans.push(await core.actions.get(step.action).plan(ctx, parsed[i]));
    } catch (error) {
      return refusal('plan_failed', `${stepName(i, step.action)}: ${errorMessage(error)}`, {
        step: i,
      });
    }
  }
  if (plans.every((p) => p.noop)) {
    return refusal('plan_failed', `Nothing to change: ${plans.map((p) => p.summary).join('; ')}.`);
  }
  const steps: RunStep[] = request.steps.map((step, i) => ({
    index: i,
    action: step.action,
    params: step.params,
    reversible: core.actions.get(step.action).reversible,
    plan: plans[i]?.summary || step.action,
    state: 'pending',
    ...(plans[i]?.intent ? { intent: toJson(plans[i]?.intent) as RunStep['intent'] } : {}),
  }));
  const hash = planHash({ verb: request.verb, target, steps });
  return createRun(core, {
    verb: request.verb,
    target,
    requester,
    ...(request.reason === undefined ? {} : { reason: request.reason }),
    ...(request.channel === undefined ? {} : { channel: request.channel }),
    ...(request.threadTs === undefined ? {} : { threadTs: request.threadTs }),
    ...(request.revertOf === undefined ? {} : { revertOf: request.revertOf }),
    steps,
    // The intent lives on its step; the plan shown keeps summary, diff and warnings.
    plans: plans.map(({ intent: _intent, ...shown }): ActionPlan => shown),
    requirements: covered.requirements,
    planHash: hash,
    ...(who.identity ? { kubeIdentity: who.identity } : {}),
  });
}
