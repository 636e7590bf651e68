import type { ActionRegistry } from '../../actions/registry.ts';
import type { ActionContext } from '../../actions/types.ts';
import { ROLLBACK_ACTION, rollbackSteps } from '../../deploys/rollback-steps.ts';
import { mayRequestUnder, type RoleDirectory, RoleLookupError } from '../../domain/policy/index.ts';
import { planFinding } from '../../findings/index.ts';
import type { Actor, EngineRefusal, RunEngine } from '../../runs/types.ts';
import { commandActor } from '../actor.ts';
import { reply, section } from '../render/blocks.ts';
import { renderRevisionHistory } from '../render/revision-history.ts';
import { renderFinding } from '../render/run-message.ts';
import { renderRunRefusal } from '../render/run-refusal.ts';
import type { RunMessages } from '../runs/run-messages.ts';
import type { CommandHandler, CommandOutcome, CommandRequest } from './types.ts';

export { ROLLBACK_ACTION };

export interface RollbackDeps {
  engine: RunEngine;
  messages: Pick<RunMessages, 'posted'>;
  /** For --dry-run: plan from live state without creating a run. */
  actions: ActionRegistry;
  actionContext: (actor: Actor) => ActionContext;
  roles: RoleDirectory;
  /** The target's revision history as text (revision, image, age, who), for plans without --to. */
  history?: (service: string, env: string) => Promise<string>;
}

/** Tells the requester the revision history when they did not pick a revision; never fails the command. */
async function showHistory(deps: RollbackDeps, request: CommandRequest, r: Rollback) {
  if (!deps.history || r.params.toRevision !== undefined) return;
  let text: string;
  try {
    text = await deps.history(r.service, r.env);
  } catch (error) {
    request.log.warn({ err: error }, 'revision history unavailable');
    return;
  }
  const head = `Revision history of \`${r.service}\` in \`${r.env}\` (\`--to N\` picks another):`;
  await request.respond(renderRevisionHistory(head, text));
}

/** How each refusal counts in mc_commands_total. */
const OUTCOME: Partial<Record<EngineRefusal, CommandOutcome>> = {
  reason_required: 'invalid',
  invalid_params: 'invalid',
  plan_failed: 'invalid',
};

interface Rollback {
  actor: Actor;
  service: string;
  env: string;
  reason: string | undefined;
  params: { service: string; env: string; toRevision?: number };
}

function readCommand(request: CommandRequest): Rollback | undefined {
  const { command } = request;
  const service = command.service ?? command.args.service;
  const env = command.env;
  if (!service || !env) return undefined;
  const to = command.flags.to;
  const reason = typeof command.flags.reason === 'string' ? command.flags.reason : undefined;
  return {
    actor: commandActor(request),
    service,
    env,
    reason,
    params: { service, env, ...(typeof to === 'number' ? { toRevision: to } : {}) },
  };
}

/** --dry-run: the plan and what a real run would need, to the requester only; nothing stored. */
async function dryRun(deps: RollbackDeps, request: CommandRequest, r: Rollback) {
  const respondRefusal = (message: string) =>
    request.respond(renderRunRefusal({ message, correlationId: request.correlationId }));
  const check = deps.actions.validateParams(ROLLBACK_ACTION, r.params);
  if (!check.ok) {
    await respondRefusal(`The rollback cannot be planned: ${check.errors.join('; ')}`);
    return 'invalid';
  }
  const action = deps.actions.get(ROLLBACK_ACTION);
  let plan: Awaited<ReturnType<typeof action.plan>>;
  try {
    plan = await action.plan(deps.actionContext(r.actor), check.params);
  } catch (error) {
    await respondRefusal(error instanceof Error ? error.message : String(error));
    return 'invalid';
  }
  const target = { service: r.service, env: r.env };
  // What the engine would require: the verb's policy and the environment's baseline.
  const requirements = deps.engine.requirements({
    verb: 'rollback',
    target,
    actions: [ROLLBACK_ACTION],
  });
  if (!requirements) throw new Error('/mc rollback has no command spec');
  const roles = await deps.roles
    .rolesOf(r.actor.id)
    .catch((error: unknown) =>
      error instanceof RoleLookupError ? error.known : new Set<string>(),
    );
  const allowed = mayRequestUnder(requirements, roles);
  const finding = planFinding({
    verb: 'rollback',
    target,
    requester: r.actor.id,
    reason: r.reason,
    steps: [{ action: ROLLBACK_ACTION, reversible: action.reversible, plan }],
    requirements,
    refusal: allowed.ok ? undefined : allowed.message,
  });
  await request.respond(renderFinding(finding));
  return 'ok';
}

/**
 * `/mc rollback <service> [--env E] [--to REVISION] [--reason ...] [--dry-run]`: asks the engine
 * for a one-step `k8s.rollout-undo` run in this channel. A refusal (not allowed, reason
 * required, target locked, plan failed) goes to the requester alone; success shows as the
 * plan message the run observer posts. If that post fails, the requester sees the plan and why.
 */
export function createRollbackCommand(deps: RollbackDeps): CommandHandler {
  return async (request) => {
    const r = readCommand(request);
    if (!r) {
      await request.respond(
        renderRunRefusal({
          message: 'Name a service to roll back: `/mc rollback <service> --env <env>`.',
          correlationId: request.correlationId,
        }),
      );
      return 'invalid';
    }
    if (request.command.flags['dry-run'] === true) {
      const outcome = await dryRun(deps, request, r);
      await showHistory(deps, request, r);
      return outcome;
    }
    // Mid-canary on an Argo Rollout: abort first. Unreadable: the plain undo, planned as before.
    const steps = await Promise.resolve()
      .then(() => rollbackSteps(deps.actionContext(r.actor), r.params))
      .catch((error: unknown) => {
        request.log.warn({ err: error }, 'could not read the rollout; planning a plain undo');
        return [{ action: ROLLBACK_ACTION, params: r.params }];
      });
    const outcome = await deps.engine.request({
      verb: 'rollback',
      target: { service: r.service, env: r.env },
      requester: r.actor,
      ...(r.reason ? { reason: r.reason } : {}),
      steps,
      channel: request.channelId,
      typed: request.text,
    });
    if (!outcome.ok) {
      request.log.info({ code: outcome.code }, 'rollback refused');
      await request.respond(
        renderRunRefusal({ message: outcome.message, correlationId: request.correlationId }),
      );
      return OUTCOME[outcome.code] ?? 'denied';
    }
    const runId = outcome.view.run.id;
    request.log.info({ run: runId, state: outcome.view.run.state }, 'rollback planned');
    const posted = await deps.messages.posted(runId);
    if (posted.ok || posted.timedOut) await showHistory(deps, request, r);
    if (posted.ok) {
      if (posted.message.channel !== request.channelId) {
        const text = `Run ${runId} is planned; its message is in <#${posted.message.channel}>.`;
        await request.respond(reply(text, [section(text)]));
      }
      return 'ok';
    }
    if (posted.timedOut) {
      const text = `Run ${runId} is planned; its message is slow to appear in this channel.`;
      await request.respond(reply(text, [section(`:hourglass: ${text}`)]));
      return 'ok';
    }
    // Nobody could click a plan nobody sees, and it would hold the target's lock.
    await deps.engine.cancel(runId, r.actor);
    await request.respond(
      renderRunRefusal({
        message: `I could not post the plan of run ${runId} (Slack said \`${posted.error}\`), so I cancelled it. Invite me to this channel with \`/invite @mc\` and ask again.`,
        correlationId: request.correlationId,
      }),
    );
    return 'error';
  };
}
