import type { Inline, Line } from '../../findings/index.ts';
import { outsideText, slackLink } from './outside-text.ts';

/** `<!date^…>`: shown in the reader's time zone, with a UTC fallback for old clients. */
export function slackDate(at: Date): string {
  const epoch = Math.floor(at.getTime() / 1000);
  const fallback = `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${epoch}^{date_short_pretty} {time}|${fallback}>`;
}

/**
 * One piece of a finding line in Slack mrkdwn. Text pieces are escaped whole (they quote
 * alerts, incidents and people); people are mentioned only from `{ user }` pieces, links
 * only from `{ link }` pieces whose URL is plain http(s).
 */
export function inlineMrkdwn(inline: Inline): string {
  if (typeof inline === 'string') return outsideText(inline);
  if ('user' in inline)
    return /^[UW][A-Z0-9]{2,}$/.test(inline.user)
      ? `<@${inline.user}>`
      : outsideText(`@${inline.user}`);
  if ('group' in inline)
    return /^S[A-Z0-9]{2,}$/.test(inline.group)
      ? `<!subteam^${inline.group}>`
      : outsideText(`@${inline.group}`);
  if ('time' in inline) return slackDate(inline.time);
  return slackLink(inline.link, inline.text);
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
