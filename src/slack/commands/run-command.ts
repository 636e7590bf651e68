import type { LoadedConfig } from '../../config/load-config.ts';
import { parseCommand } from '../../domain/commands/index.ts';
import type { Metrics } from '../../telemetry/metrics.ts';
import { renderProblem } from '../render/problem.ts';
import { helpCommand } from './help-command.ts';
import type {
  CommandHandler,
  CommandHandlers,
  CommandInvocation,
  CommandOutcome,
} from './types.ts';
import { understoodCommand } from './understood-command.ts';

export interface RunCommandDeps {
  config: LoadedConfig;
  metrics: Metrics;
  handlers?: CommandHandlers;
}

/** The one verb the edge answers itself (`EDGE_VERBS`); every other verb has its handler from the verb registry. */
const BUILTIN: CommandHandlers = { help: helpCommand };

/** The verb label for metrics: a known verb, else `unknown` (typos must not grow label sets). */
export function verbLabel(text: string, config: LoadedConfig): string {
  const words = text.trim().split(/\s+/);
  const first = (words[0]?.toLowerCase() === '/mc' ? words[1] : words[0])?.toLowerCase() ?? '';
  if (first === '' || first.startsWith('-')) return 'help';
  return config.commands.has(first) ? first : 'unknown';
}

/**
 * Parses what the user typed, answers a mistake with the problem, the closest fix and the
 * usage, and hands a valid command to its verb's handler (from the verb registry, `help` from
 * the edge, or the "understood" reply of an edge built without that handler). Counts the outcome in
 * mc_commands_total; a throw is the caller's to count.
 */
export async function runCommand(
  invocation: CommandInvocation,
  deps: RunCommandDeps,
): Promise<CommandOutcome> {
  const { commands, catalog } = deps.config;
  const parsed = parseCommand(invocation.text, { commands, catalog });
  if (!parsed.ok) {
    const verb = verbLabel(invocation.text, deps.config);
    invocation.log.info({ verb, problem: parsed.error.message }, 'command invalid');
    await invocation.respond(renderProblem(parsed.error));
    deps.metrics.commandsTotal.inc({ verb, outcome: 'invalid' });
    return 'invalid';
  }
  const { command } = parsed;
  const handler: CommandHandler =
    deps.handlers?.[command.verb] ?? BUILTIN[command.verb] ?? understoodCommand;
  const outcome =
    (await handler({
      ...invocation,
      command,
      spec: commands.get(command.verb),
      config: deps.config,
    })) ?? 'ok';
  deps.metrics.commandsTotal.inc({ verb: command.verb, outcome });
  return outcome;
}
