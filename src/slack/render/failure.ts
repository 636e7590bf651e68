import { context, reply, type SlackReply, section } from './blocks.ts';

/** What a user sees when the bot failed: no stack trace, a reference to quote. */
export function renderFailure(correlationId: string): SlackReply {
  const text = `Something went wrong on our side and your request was not completed (ref ${correlationId}).`;
  return reply(text, [
    section(`:x: Something went wrong on our side and your request was not completed.`),
    context(
      `ref \`${correlationId}\` · try again in a moment; if it keeps failing, give this ref to whoever runs mc.`,
    ),
  ]);
}
