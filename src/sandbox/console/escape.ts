import { escapeHtml } from '../../evidence/http/html.ts';

export { escapeHtml };

/** A link target people may follow: http(s) and mailto only (no javascript:, no data:). */
export function safeHref(url: string): string | undefined {
  const trimmed = url.trim();
  return /^(https?:\/\/|mailto:)/i.test(trimmed) ? trimmed : undefined;
}
