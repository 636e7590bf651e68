import { renderUnderstood } from '../render/understood.ts';
import { describeCommand, describePolicy } from './describe-command.ts';
import type { CommandOutcome, CommandRequest } from './types.ts';

/**
 * The reply of a Slack edge built without the verb's handler (the bot itself refuses to start
 * with a verb that has none): repeats what was understood, says what the policy will ask, and
 * states plainly that nothing ran.
 */
export async function understoodCommand(request: CommandRequest): Promise<CommandOutcome> {
  const { command, spec, config } = request;
  const reason = typeof command.flags.reason === 'string' ? command.flags.reason : undefined;
  const grammar = spec?.subcommands.find((s) => s.name === command.subcommand) ?? spec;
  await request.respond(
    renderUnderstood({
      verb: command.verb,
      summary: describeCommand(command),
      reason,
      reasonAsked: grammar?.flags.some((f) => f.name === 'reason') ?? false,
      policy: describePolicy(command, spec, config.catalog),
    }),
  );
  request.log.info(
    { verb: command.verb, service: command.service, env: command.env },
    'command understood',
  );
  return 'ok';
}
