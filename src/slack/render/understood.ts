import { context, escapeMrkdwn, reply, type SlackReply, section } from './blocks.ts';

/** A valid command that reached an app with no handler for its verb (an edge built alone). */
export interface Understood {
  verb: string;
  /** "roll back `checkout` in `prod` to the previous revision" */
  summary: string;
  reason?: string | undefined;
  /** Whether the verb takes --reason at all (then "no reason given" is worth saying). */
  reasonAsked: boolean;
  policy?: string | undefined;
}

export const NOT_YET =
  'This app has no handler for this command: nothing was run and nothing changed.';

/** "Understood: … ; reason: …" followed by the policy line and a plain "nothing ran". */
export function renderUnderstood(understood: Understood): SlackReply {
  const reason = understood.reason
    ? `; reason: ${escapeMrkdwn(understood.reason)}`
    : understood.reasonAsked
      ? '; no reason given'
      : '';
  const sentence = `Understood: ${understood.summary}${reason}.`;
  const lines = [sentence, ...(understood.policy ? [understood.policy] : [])];
  return reply(`${lines.join(' ')} ${NOT_YET}`, [
    section(`:white_check_mark: ${lines.join('\n')}`),
    context(`:construction: ${NOT_YET}`),
  ]);
}
