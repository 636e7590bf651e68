import type { LoadedConfig } from '../../config/load-config.ts';
import { renderHelp } from '../../domain/commands/index.ts';
import type { SlackReply } from '../render/blocks.ts';
import { renderHelpReply } from '../render/help.ts';
import type { CommandOutcome, CommandRequest } from './types.ts';

// Help depends only on the loaded config, which never changes while the app runs: render once.
const rendered = new WeakMap<LoadedConfig, Map<string, SlackReply>>();

/** `/mc help [verb]`: the command list, or one verb's usage, flags and examples, from commands/. */
export async function helpCommand(request: CommandRequest): Promise<CommandOutcome> {
  const verb = request.command.args.verb;
  const { config } = request;
  const cache = rendered.get(config) ?? new Map<string, SlackReply>();
  rendered.set(config, cache);
  let reply = cache.get(verb ?? '');
  if (!reply) {
    reply = renderHelpReply(renderHelp(config.commands, verb, config.catalog), verb);
    cache.set(verb ?? '', reply);
  }
  await request.respond(reply);
  return 'ok';
}
