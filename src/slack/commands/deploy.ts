import { type DeployServiceDeps, requestDeploy } from '../../deploys/request-deploy.ts';
import type { RoleDirectory } from '../../domain/policy/index.ts';
import type { Actor, RunEngine } from '../../runs/types.ts';
import { commandActor } from '../actor.ts';
import { reply, section } from '../render/blocks.ts';
import { renderFinding } from '../render/run-message.ts';
import { renderRunRefusal } from '../render/run-refusal.ts';
import { botTextWithDates } from '../render/text-dates.ts';
import type { RunMessages } from '../runs/run-messages.ts';
import type { CommandHandler, CommandOutcome, CommandRequest } from './types.ts';

export interface DeployDeps extends DeployServiceDeps {
  engine: RunEngine;
  messages: Pick<RunMessages, 'posted'>;
  roles: RoleDirectory;
}

interface Deploy {
  actor: Actor;
  service: string;
  env: string;
  version: string;
  reason: string | undefined;
  override: boolean;
  /** `--commit`/`--commit-at`: where lead time starts (DORA). */
  commit: { commit?: string; commitAt?: string };
}

function readCommand(request: CommandRequest): Deploy | undefined {
  const { command } = request;
  const service = command.service ?? command.args.service;
  const version = command.args.version;
  if (!service || !command.env || !version) return undefined;
  const reason = typeof command.flags.reason === 'string' ? command.flags.reason : undefined;
  const override = command.flags['override-freeze'] === true;
  const { commit, 'commit-at': commitAt } = command.flags;
  return {
    actor: commandActor(request),
    service,
    env: command.env,
    version,
    reason,
    override,
    commit: {
      ...(typeof commit === 'string' ? { commit: commit.toLowerCase() } : {}),
      ...(typeof commitAt === 'string' ? { commitAt } : {}),
    },
  };
}

/**
 * `/mc deploy <service> <version | image@sha256:…> [--env E] [--reason …] [--override-freeze]
 * [--dry-run]`: parses, asks the deploy capability to plan it (freeze decision and its ledger
 * entries included), and renders what came back.
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
    const outcome = await requestDeploy(deps, {
      ...d,
      catalog: request.config.catalog,
      spec: request.spec,
      dryRun: request.command.flags['dry-run'] === true,
      channel: request.channelId,
      typed: request.text,
    });
    if (outcome.kind === 'dry-run') {
      await request.respond(renderFinding(outcome.finding));
      return 'ok';
    }
    if (outcome.kind !== 'planned') {
      if (outcome.code) request.log.info({ code: outcome.code }, 'deploy refused');
      return refuse(outcome.message, outcome.kind);
    }
    const { runId } = outcome;
    request.log.info({ run: runId, image: outcome.image }, 'deploy planned');
    if (outcome.overrideNote) {
      await request.respond(
        reply(outcome.overrideNote, [
          section(`:snowflake: ${botTextWithDates(outcome.overrideNote)}`),
        ]),
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
