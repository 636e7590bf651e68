import type { Actor } from '../runs/types.ts';
import type { CommandInvocation } from './commands/types.ts';
import type { ActionRequest } from './listeners/action-listener.ts';

/** The person who typed a command, with the Slack team and channel it came from. */
export function commandActor(
  request: Pick<CommandInvocation, 'user' | 'teamId' | 'channelId'>,
): Actor {
  return {
    id: request.user.id,
    ...(request.user.name ? { name: request.user.name } : {}),
    origin: { team: request.teamId, channel: request.channelId },
  };
}

/**
 * The person who clicked, with where the click came from: the engine refuses a click on a run
 * from another team or channel than the run's.
 */
export function clickActor(request: Pick<ActionRequest, 'user' | 'teamId' | 'channelId'>): Actor {
  const origin: NonNullable<Actor['origin']> = {};
  if (request.teamId) origin.team = request.teamId;
  if (request.channelId) origin.channel = request.channelId;
  return {
    id: request.user.id,
    ...(request.user.name ? { name: request.user.name } : {}),
    origin,
  };
}
