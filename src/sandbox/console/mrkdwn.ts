import { emojiFor } from './emoji.ts';
import { escapeHtml, safeHref } from './escape.ts';
import { slackDateText } from './slack-date.ts';

/** Display names of users and channels, for `<@U…>` and `<#C…>` in message text. */
export interface Names {
  user(id: string): string | undefined;
  channel(id: string): string | undefined;
  /** A user group's handle (`release-managers`), as Slack shows `<!subteam^S…>`. */
  group?(id: string): string | undefined;
}

/** Turns Slack's escaped `&lt; &gt; &amp;` back into characters (before HTML-escaping again). */
function unslack(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * Renders Slack mrkdwn as safe HTML: every piece of text is HTML-escaped first, then only
 * our own tags are added — bold, italic, strike, `code`, ```blocks```, links `<url|text>`
 * (http, https, mailto only), user and channel mentions, dates, newlines and common emoji.
 * Code is cut out first (as placeholders) so emphasis may span it, as in Slack.
 */
export function mrkdwnToHtml(text: string, names: Names): string {
  const codes: string[] = [];
  const hold = (html: string) => `\uE000${codes.push(html) - 1}\uE000`;
  const withoutCode = text
    .replace(/```([\s\S]*?)```/g, (_m, body: string) =>
      hold(`<pre class="code">${escapeHtml(unslack(body.replace(/^\n|\n$/g, '')))}</pre>`),
    )
    .replace(/`([^`\n]+)`/g, (_m, body: string) =>
      hold(`<code>${escapeHtml(unslack(body))}</code>`),
    );
  const html = withoutCode
    .split(/(<[^<>\n]+>)/)
    .map((piece) =>
      piece.startsWith('<') && piece.endsWith('>')
        ? hold(token(piece.slice(1, -1), names))
        : emphasis(piece),
    )
    .join('');
  return emphasisAcross(html)
    .replace(/\n/g, '<br>')
    .replace(/\uE000(\d+)\uE000/g, (_m, i: string) => codes[Number(i)] ?? '');
}

function token(body: string, names: Names): string {
  const [target = '', label] = body.split('|', 2);
  if (target.startsWith('@')) {
    const id = target.slice(1);
    const name = label ?? names.user(id) ?? id;
    return `<span class="mention">@${escapeHtml(unslack(name))}</span>`;
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    const name = label ?? names.channel(id) ?? id;
    return `<span class="mention">#${escapeHtml(unslack(name))}</span>`;
  }
  if (target.startsWith('!date^')) {
    const shown = slackDateText(body) ?? unslack(label ?? target.slice(6));
    return `<time title="${escapeHtml(unslack(label ?? ''))}">${escapeHtml(shown)}</time>`;
  }
  if (target.startsWith('!')) {
    const what = target.slice(1).replace(/^subteam\^/, '');
    const handle = target.startsWith('!subteam^') ? names.group?.(what) : undefined;
    const shown = unslack(label ?? handle ?? what).replace(/^@/, '');
    return `<span class="mention">@${escapeHtml(shown)}</span>`;
  }
  const href = safeHref(unslack(target));
  const shown = escapeHtml(unslack(label ?? target));
  // A scheme we do not follow (javascript:, data:) keeps its label only; no scheme at all means
  // it was never a link (`<script>` a sender forgot to escape): show it as typed.
  if (!href) return /^[a-z][a-z0-9+.-]*:/i.test(target) ? shown : escapeHtml(`<${unslack(body)}>`);
  return `<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${shown}</a>`;
}

/** Escapes plain text and turns `:emoji:` codes into characters. */
function emphasis(raw: string): string {
  return escapeHtml(unslack(raw)).replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => {
    const char = emojiFor(name);
    // Its own span: the page's emoji font draws it, whatever the text font has.
    return char ? `<span class="emoji">${char}</span>` : whole;
  });
}

/** *bold*, _italic_, ~strike~ over escaped text whose code and links are placeholders. */
function emphasisAcross(html: string): string {
  return html
    .replace(/(^|[^\w*])\*(?=\S)([^*\n]*?\S)\*(?!\w)/g, '$1<b>$2</b>')
    .replace(/(^|[^\w])_(?=\S)([^_\n]*?\S)_(?!\w)/g, '$1<i>$2</i>')
    .replace(/(^|[^\w~])~(?=\S)([^~\n]*?\S)~(?!\w)/g, '$1<s>$2</s>');
}
