/**
 * Turns the text Slack sends for a slash command back into what the user typed: Slack
 * escapes `&`, `<` and `>` and wraps links, mentions and channels in `<…>` (a pasted
 * PagerDuty incident URL arrives as `<https://…|…>`).
 */
export function decodeSlackText(text: string): string {
  return text
    .replace(/<((?:https?|mailto):[^|>]+)(?:\|[^>]*)?>/g, '$1')
    .replace(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g, '@$1')
    .replace(/<#(C[A-Z0-9]+)(?:\|([^>]*))?>/g, (_m, id: string, name?: string) =>
      name ? `#${name}` : `#${id}`,
    )
    .replace(
      /<!subteam\^([A-Z0-9]+)(?:\|([^>]*))?>/g,
      (_m, id: string, name?: string) => name ?? `@${id}`,
    )
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
