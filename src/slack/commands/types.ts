import type { LoadedConfig } from '../../config/load-config.ts';
import type { CommandSpec } from '../../config/schema.ts';
import type { ParsedCommand } from '../../domain/commands/index.ts';
import type { Logger } from '../../telemetry/logger.ts';
import type { SlackReply } from '../render/blocks.ts';

/** How a command ended, as `mc_commands_total{outcome}` counts it. */
export type CommandOutcome = 'ok' | 'invalid' | 'denied' | 'error';

/** Who typed the command, where, and how to answer them. Transport-neutral. */
export interface CommandInvocation {
  text: string;
  user: { id: string; name: string };
  channelId: string;
  teamId: string;
  triggerId: string;
  correlationId: string;
  log: Logger;
  /** Answers only the person who typed the command (ephemeral, via response_url). */
  respond(reply: SlackReply): Promise<void>;
}

/** A parsed, validated command handed to the handler of its verb. */
export interface CommandRequest extends CommandInvocation {
  command: ParsedCommand;
  spec: CommandSpec | undefined;
  config: LoadedConfig;
}

/** Does what a verb means; returns the outcome to count (default ok). */
export type CommandHandler = (request: CommandRequest) => Promise<CommandOutcome | undefined>;

/** Handlers by verb; a verb without one gets the "understood" reply. */
export type CommandHandlers = Partial<Record<string, CommandHandler>>;
