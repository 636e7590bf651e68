import { isStorageUnavailable } from '../../store/errors.ts';
import { context, reply, type SlackReply, section } from './blocks.ts';

/** What a user sees when the bot failed: no stack trace, a reference to quote. */
export function renderFailure(correlationId: string, error?: unknown): SlackReply {
  if (isStorageUnavailable(error)) {
    const text = `Storage unavailable, nothing was done (ref ${correlationId}).`;
    return reply(text, [
      section(':warning: *Storage unavailable, nothing was done.*'),
      context(
        `ref \`${correlationId}\` · mc cannot reach its database, so it ran nothing rather than risk running twice. Try again in a moment.`,
      ),
    ]);
  }
  const text = `Something went wrong on our side and your request was not completed (ref ${correlationId}).`;
  return reply(text, [
    section(`:x: Something went wrong on our side and your request was not completed.`),
    context(
      `ref \`${correlationId}\` · try again in a moment; if it keeps failing, give this ref to whoever runs mc.`,
    ),
  ]);
}
