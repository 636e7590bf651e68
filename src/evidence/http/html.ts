const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ENTITIES[ch] ?? ch);
}

/** A complete, self-contained HTML page (no scripts, inline styles only). */
export function htmlPage(title: string, bodyHtml: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.4rem 1rem}
dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
pre{background:#f4f4f6;padding:1rem;overflow:auto;border-radius:6px}
code{font-family:ui-monospace,monospace}
</style>
</head>
<body>
${bodyHtml}
</body>
</html>
`;
}

/**
 * A stored time in the one format evidence pages use, ISO 8601 to the second with its zone
 * (`2026-12-06T23:55:45Z`); text that is not a time is shown as written.
 */
export function isoTime(at: string | null | undefined): string {
  if (!at) return '—';
  const ms = Date.parse(at);
  if (Number.isNaN(ms)) return escapeHtml(at);
  const iso = new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `<time datetime="${iso}">${iso}</time>`;
}

/** Display names of Slack users the bot could look up, by id. */
export type PeopleNames = Readonly<Record<string, string>>;

/**
 * A person on an evidence page: `Carol Release (U02CAROL03)` when the bot knows the name,
 * else `Slack user U02CAROL03`; anything that is not a Slack user id (`mc`) as written.
 */
export function personHtml(id: string | null | undefined, names: PeopleNames = {}): string {
  if (!id) return '—';
  if (!/^[UW][A-Z0-9]{2,}$/.test(id)) return escapeHtml(id);
  const name = names[id];
  return name
    ? `${escapeHtml(name)} (<code>${escapeHtml(id)}</code>)`
    : `Slack user <code>${escapeHtml(id)}</code>`;
}
