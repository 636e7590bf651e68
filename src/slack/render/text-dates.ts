import { ISO_INSTANT } from '../../util/iso-instant.ts';
import { botText, outsideText } from './outside-text.ts';
import { slackDate } from './run-inline.ts';

/** `text` with each ISO instant as a Slack date token and everything between through `between`. */
function withDates(text: string, between: (part: string) => string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(ISO_INSTANT)) {
    const at = new Date(match[0]);
    if (Number.isNaN(at.getTime())) continue;
    out += between(text.slice(last, match.index)) + slackDate(at);
    last = match.index + match[0].length;
  }
  return out + between(text.slice(last));
}

/**
 * Text as `outsideText` shows it (exactly what was written, able to ping or link nothing),
 * except that each ISO instant (`2027-01-04T08:00:00Z`) becomes a Slack date token, so every
 * reader sees that moment in their own time zone.
 */
export function textWithDates(text: string): string {
  return withDates(text, outsideText);
}

/**
 * Mrkdwn the bot wrote whole (its own `*bold*`, `<@U…>` mentions, no outside text), with its ISO
 * instants as date tokens and nothing else changed.
 */
export function mrkdwnWithDates(mrkdwn: string): string {
  return withDates(mrkdwn, (part) => part);
}

/** A sentence the bot composed, as `botText` shows it, with its ISO instants as date tokens. */
export function botTextWithDates(text: string): string {
  return withDates(text, botText);
}
