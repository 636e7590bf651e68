import type { Line } from './types.ts';

const USER_MENTION = /<@([UW][A-Z0-9]{2,})>/;

/**
 * A sentence the engine wrote with `<@U…>` for people (rejections, cancellations) as a line:
 * those become `{ user }` pieces, the rest stays text, which renderers escape whole.
 */
export function mentionLine(text: string): Line {
  const parts = text.split(USER_MENTION);
  return parts
    .map((part, i) => (i % 2 === 1 ? { user: part } : part))
    .filter((piece) => piece !== '');
}
