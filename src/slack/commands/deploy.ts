import type { ActionRegistry } from '../../actions/registry.ts';
import type { ActionContext } from '../../actions/types.ts';
import { resolveDeployImage } from '../../deploys/resolve-deploy-image.ts';
import { freezeDecision } from '../../domain/deploys/freeze.ts';
import { planFinding } from '../../domain/findings/index.ts';
import type { RoleDirectory } from '../../domain/policy/index.ts';
import type { Ledger } from '../../evidence/ledger/create-ledger.ts';
import type { Actor, RunEngine } from '../../runs/types.ts';
import { commandActor } from '../actor.ts';
import { reply, section } from '../render/blocks.ts';
import { botText } from '../render/outside-text.ts';
import { renderFinding } from '../render/run-message.ts';
import { renderRunRefusal } from '../render/run-refusal.ts';
import type { RunMessages } from '../runs/run-messages.ts';
import type { CommandHandler, CommandOutcome, CommandRequest } from './types.ts';

/** The action a deploy run consists of. */
export const DEPLOY_ACTION = 'k8s.set-image';

export interface DeployDeps {
  engine: RunEngine;
  messages: Pick<RunMessages, 'posted'>;
  actions: ActionRegistry;
  actionContext: (actor: Actor) => ActionContext;
  roles: RoleDirectory;
  ledger: Pick<Ledger, 'append'>;
  clock: () => Date;
}

interface Deploy {
  actor: Actor;
  service: string;
  env: string;
  version: string;
  reason: string | undefined;
  override: boolean;
}

function readCommand(request: CommandRequest): Deploy | undefined {
  const { command } = request;
  const service = command.service ?? command.args.service;
  const version = command.args.version;
  if (!service || !command.env || !version) return undefined;
  const reason = typeof command.flags.reason === 'string' ? command.flags.reason : undefined;
  const override = command.flags['override-freeze'] === true;
  return {
    actor: commandActor(request),
    service,
    env: command.env,
    version,
    reason,
    override,
  };
}

/**
 * Roles whose approval may override a freeze: the environment's `freezeOverrideRoles` in
 * catalog.yml; absent, the command policy's own approvers there, when it has any.
 */
function overrideRoles(request: CommandRequest, env: string): string[] {
  const declared = request.config.catalog.environments[env]?.freezeOverrideRoles;
  if (declared) return [...declared];
  const rule = request.spec?.policy.environments[env];
  return rule && rule.approvals.count > 0 && !rule.selfApproval ? [...rule.approvals.roles] : [];
}

/**
 * `/mc deploy <service> <version | image@sha256:…> [--env E] [--reason …] [--override-freeze]
 * [--dry-run]`: a one-step `k8s.set-image` run (a bare version keeps the running image's
 * repository). During a change freeze the deploy is refused, or with `--override-freeze
 * --reason` planned for an approver who may override it; both are recorded in the ledger.
 */
export function createDeployCommand(deps: DeployDeps): CommandHandler {
  return async (request) => {
    const refuse = async (message: string, outcome: CommandOutcome) => {
      await request.respond(renderRunRefusal({ message, correlationId: request.correlationId }));
      return outcome;
    };
    const d = readCommand(request);
    if (!d)
      return refuse(
        'Name a service and a version: `/mc deploy <service> <version> --env <env>`.',
        'invalid',
      );
    const { catalog } = request.config;
    let image: string;
    try {
      const ctx = deps.actionContext(d.actor);
      ({ image } = await resolveDeployImage({ catalog, kube: ctx.kube, ...d }));
    } catch (error) {
      return refuse(
        `The deploy cannot be planned: ${error instanceof Error ? error.message : String(error)}`,
        'invalid',
      );
    }
    const target = { service: d.service, env: d.env };
    // What the engine would require: the verb's policy and the environment's baseline.
    const requirements = deps.engine.requirements({
      verb: 'deploy',
      target,
      actions: [DEPLOY_ACTION],
    });
    if (!requirements) throw new Error('/mc deploy has no command spec');
    const freeze = freezeDecision({
      catalog,
      env: d.env,
      now: deps.clock(),
      kind: 'deploy',
      overrideRoles: overrideRoles(request, d.env),
      requirements,
      requester: d.actor.id,
      ...(d.override ? { override: { reason: d.reason } } : {}),
    });
    const params = { service: d.service, env: d.env, image };
    if (request.command.flags['dry-run'] === true) {
      const action = deps.actions.get(DEPLOY_ACTION);
      const plan = await action
        .plan(deps.actionContext(d.actor), params)
        .catch((e: unknown) => e as Error);
      if (plan instanceof Error) return refuse(plan.message, 'invalid');
      const finding = planFinding({
        verb: 'deploy',
        target,
        requester: d.actor.id,
        reason: d.reason,
        steps: [{ action: DEPLOY_ACTION, reversible: action.reversible, plan }],
        requirements,
        refusal: freeze.kind === 'refused' ? freeze.message : undefined,
      });
      await request.respond(renderFinding(finding));
      return 'ok';
    }
    if (freeze.kind === 'refused' || freeze.kind === 'needs_override') {
      const data = {
        service: d.service,
        env: d.env,
        image,
        reason: d.reason ?? null,
        freeze: freeze.freeze,
      };
      const kind =
        freeze.kind === 'refused' ? 'deploy.freeze-refused' : 'deploy.freeze-override-requested';
      await deps.ledger.append({
        actor: d.actor.id,
        kind,
        subject: `deploy:${d.service}/${d.env}`,
        data: JSON.parse(JSON.stringify(data)),
      });
      if (freeze.kind === 'refused') return refuse(freeze.message, 'denied');
    }
    const outcome = await deps.engine.request({
      verb: 'deploy',
      target,
      requester: d.actor,
      ...(d.reason ? { reason: d.reason } : {}),
      steps: [{ action: DEPLOY_ACTION, params }],
      channel: request.channelId,
      typed: request.text,
      // An override is approved by a freeze-override role, never by the requester.
      ...(freeze.kind === 'needs_override'
        ? {
            tighten: [
              {
                rule: {
                  approvals: freeze.requirements.approvals,
                  reasonRequired: true,
                  selfApproval: false,
                },
                source: `freeze override (catalog.yml environments.${d.env}.freezeOverrideRoles)`,
              },
            ],
          }
        : {}),
    });
    if (!outcome.ok) {
      request.log.info({ code: outcome.code }, 'deploy refused');
      const invalid = ['reason_required', 'invalid_params', 'plan_failed'].includes(outcome.code);
      return refuse(outcome.message, invalid ? 'invalid' : 'denied');
    }
    const runId = outcome.view.run.id;
    request.log.info({ run: runId, image }, 'deploy planned');
    if (freeze.kind === 'needs_override') {
      await request.respond(
        reply(freeze.message, [section(`:snowflake: ${botText(freeze.message)}`)]),
      );
    }
    const posted = await deps.messages.posted(runId);
    if (posted.ok || posted.timedOut) return 'ok';
    await deps.engine.cancel(runId, d.actor);
    return refuse(
      `I could not post the plan of run ${runId} (Slack said \`${posted.error}\`), so I cancelled it. Invite me to this channel with \`/invite @mc\` and ask again.`,
      'error',
    );
  };
}
