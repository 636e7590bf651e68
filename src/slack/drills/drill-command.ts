import type { DrillRefusal, DrillService } from '../../drills/drill-service.ts';
import { commandActor } from '../actor.ts';
import type { CommandHandler, CommandOutcome, CommandRequest } from '../commands/types.ts';
import { reply, section } from '../render/blocks.ts';
import { renderDrillReport } from '../render/drill-report.ts';
import { renderRunRefusal } from '../render/run-refusal.ts';
import type { DrillPoster } from './drill-poster.ts';

export interface DrillCommandDeps {
  drills: Pick<DrillService, 'start' | 'report'>;
  poster: Pick<DrillPoster, 'post'>;
  clock: () => Date;
}

const OUTCOME: Record<DrillRefusal, CommandOutcome> = {
  invalid: 'invalid',
  denied: 'denied',
  unpublished: 'error',
};

function refuse(request: CommandRequest, message: string) {
  return request.respond(renderRunRefusal({ message, correlationId: request.correlationId }));
}

/** `/mc drill report [service] [--since 30d]`: recent results from the ledger, to the typist. */
async function report(deps: DrillCommandDeps, request: CommandRequest): Promise<CommandOutcome> {
  const { command } = request;
  const sinceSeconds = Number(command.flags.since ?? 30 * 86_400);
  const service = command.args.service;
  const results = await deps.drills.report({
    service,
    since: new Date(deps.clock().getTime() - sinceSeconds * 1000),
  });
  await request.respond(renderDrillReport({ results, service, sinceSeconds }));
  return 'ok';
}

/**
 * `/mc drill <scenario> <service> [--env E] [--duration D] [--reason ...]`: the drills service
 * plans the drill and asks the run engine for its fault run (the `drill` policy decides who
 * may ask and who must approve; the run's own message carries Confirm / Approve); the drill's
 * live message, with its blast radius, restore plan and Abort, is posted here.
 */
export function createDrillCommand(deps: DrillCommandDeps): CommandHandler {
  return async (request) => {
    const { command } = request;
    if (command.subcommand === 'report') return report(deps, request);
    const started = await deps.drills.start(
      {
        scenario: command.args.scenario ?? '',
        service: command.service ?? command.args.service ?? '',
        env: command.env,
        durationSeconds: Number(command.flags.duration),
        ...(typeof command.flags.dependency === 'string'
          ? { dependency: command.flags.dependency }
          : {}),
        ...(typeof command.flags.reason === 'string' ? { reason: command.flags.reason } : {}),
        typed: request.text,
        requester: commandActor(request),
        channel: request.channelId,
      },
      (drill) => deps.poster.post(drill, request.channelId),
    );
    if (!started.ok) {
      const message =
        started.refusal === 'unpublished'
          ? `I could not post the drill's message here, so I cancelled run ${started.runId}. Invite me with \`/invite @mc\` and ask again.`
          : started.message;
      await refuse(request, message);
      return OUTCOME[started.refusal];
    }
    const next = started.waitingFor === 'approval' ? 'approval' : 'your Confirm';
    const text = `Drill \`${started.drill.id}\` planned; its fault run \`${started.runId}\` waits for ${next}.`;
    await request.respond(reply(text, [section(text)]));
    return 'ok';
  };
}
