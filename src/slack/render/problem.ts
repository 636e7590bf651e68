import type { ParseError } from '../../domain/commands/index.ts';
import { context, escapeMrkdwn, preformatted, reply, type SlackReply, section } from './blocks.ts';

const FOOTER = 'Nothing was run. Type `/mc help` for every command.';

/** A mistake in what the user typed: the problem (with "Did you mean"), and the usage to copy. */
export function renderProblem(error: ParseError): SlackReply {
  // The parser's message is mrkdwn and already ends with "Did you mean …?" when it has one.
  const message = escapeMrkdwn(error.message);
  const usage = error.usage ? [preformatted(error.usage)] : [];
  const text = [error.message, ...(error.usage ? [`Usage: ${error.usage}`] : [])].join('\n');
  return reply(escapeMrkdwn(text), [section(`:warning: ${message}`), ...usage, context(FOOTER)]);
}
