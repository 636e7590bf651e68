import { reply, type SlackReply, section } from './blocks.ts';
import { botText, plainFallback } from './outside-text.ts';

/**
 * A revision table (`rev 7 · shop/checkout:1.4.2 · 2h ago · <@U…> (current)` per line) under
 * its heading: in a section, not a code block, so whoever deployed shows as a mention.
 */
export function renderRevisionHistory(head: string, table: string): SlackReply {
  return reply(plainFallback(`${head}\n${table}`), [section(head), section(botText(table))]);
}
