/**
 * Text the bot did not write (people's reasons and comments, alert labels and annotations,
 * PagerDuty titles) reaches Slack only through these functions. In Slack mrkdwn, `<…>` is a
 * control sequence: `<!channel>` broadcasts, `<!subteam^S…>` pings a group, `<@U…>` a person,
 * `<https://a|b>` shows b and opens a. Escaping `&`, `<` and `>` leaves none of them.
 */

/** Outside text as mrkdwn that shows exactly what was written and can ping or link nothing. */
export function outsideText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// Characters that would end or split Slack's `<url|label>`, or hide parts of a URL.
const URL_BREAKERS = /[\s|<>"\\]/;

// Control characters (C0 and DEL), tested by code point: never valid in a link.
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** The URL when it is safe inside `<url|label>` (absolute http or https, nothing that ends the link), else null. */
export function safeLinkUrl(url: string): string | null {
  if (URL_BREAKERS.test(url) || hasControl(url)) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  if (parsed.username || parsed.password) return null;
  return url;
}

/**
 * A link with the bot's own label. The label is escaped; a URL that is not plain http(s)
 * shows the label alone, so a crafted URL can neither phish nor break out of the link.
 */
export function slackLink(url: string, label: string): string {
  const safe = safeLinkUrl(url);
  return safe ? `<${safe}|${outsideText(label)}>` : outsideText(label);
}

const USER_MENTION = /(<@[UW][A-Z0-9]{2,}>)/;

/**
 * Sentences the bot composed (engine refusals, step errors) that name people as `<@U…>`:
 * those user mentions stay, everything else (broadcasts, groups, links) is escaped.
 */
export function botText(text: string): string {
  return text
    .split(USER_MENTION)
    .map((part, i) => (i % 2 === 1 ? part : outsideText(part)))
    .join('');
}

/**
 * A message's fallback `text` (notifications, clients without blocks) as plain words: every
 * `<…>` sequence becomes its readable form (`@U1`, `@channel`, the link's label and URL), so a
 * fallback can never ping. The blocks carry the bot's own mentions.
 */
export function plainFallback(text: string): string {
  const plain = text.replace(/<([^<>]*)>/g, (_m, inner: string) => {
    const [target = '', label] = inner.split('|', 2);
    if (target.startsWith('@')) return label ?? target;
    if (target.startsWith('#')) return label ? `#${label.replace(/^#/, '')}` : target;
    if (target.startsWith('!')) {
      if (label !== undefined) return label;
      const word = target.slice(1).split('^')[0] ?? '';
      return `@${word}`;
    }
    return label !== undefined ? `${label} (${target})` : target;
  });
  return plain.replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
