import type { Inline, Line } from '../../domain/findings/index.ts';
import { escapeMrkdwn } from './blocks.ts';

// Mentions the engine writes into its messages (`<@U…>`, user groups) survive escaping.
const MENTION = /(<@[UW][A-Z0-9]+>|<!subteam\^[A-Z0-9]+>)/;

/** Escapes mrkdwn control characters in text, keeping user and user-group mentions. */
export function escapeKeepingMentions(text: string): string {
  return text
    .split(MENTION)
    .map((part, i) => (i % 2 === 1 ? part : escapeMrkdwn(part)))
    .join('');
}

/** `<!date^…>`: shown in the reader's time zone, with a UTC fallback for old clients. */
export function slackDate(at: Date): string {
  const epoch = Math.floor(at.getTime() / 1000);
  const fallback = `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${epoch}^{date_short_pretty} {time}|${fallback}>`;
}

/** One piece of a finding line in Slack mrkdwn. */
export function inlineMrkdwn(inline: Inline): string {
  if (typeof inline === 'string') return escapeKeepingMentions(inline);
  if ('user' in inline) return `<@${inline.user}>`;
  if ('group' in inline) return `<!subteam^${inline.group}>`;
  if ('time' in inline) return slackDate(inline.time);
  return `<${inline.link}|${escapeMrkdwn(inline.text)}>`;
}

/** A finding line in Slack mrkdwn. */
export function lineMrkdwn(line: Line): string {
  return line.map(inlineMrkdwn).join('');
}

/** A finding line as plain text (notifications, confirm dialogs): mentions stay readable. */
export function linePlain(line: Line): string {
  return line
    .map((inline) => {
      if (typeof inline === 'string') return inline;
      if ('user' in inline) return `<@${inline.user}>`;
      if ('group' in inline) return `<!subteam^${inline.group}>`;
      if ('time' in inline) return inline.time.toISOString();
      return `${inline.text} (${inline.link})`;
    })
    .join('');
}
