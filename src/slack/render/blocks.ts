import type { types } from '@slack/bolt';
import { outsideText, plainFallback } from './outside-text.ts';

export type Block = types.KnownBlock;

/** A reply to the person who typed the command: fallback text plus Block Kit. */
export interface SlackReply {
  /** Shown in notifications and where blocks cannot render; always set. */
  text: string;
  blocks: Block[];
}

// Slack refuses a section whose text exceeds 3,000 characters and a message over 50 blocks.
const SECTION_LIMIT = 3000;
const BLOCK_LIMIT = 50;

/** A mrkdwn section, cut to Slack's limit with a visible marker. */
export function section(text: string): Block {
  const cut = text.length > SECTION_LIMIT ? `${text.slice(0, SECTION_LIMIT - 2)}…` : text;
  return { type: 'section', text: { type: 'mrkdwn', text: cut } };
}

/** Small grey text under the main content. */
export function context(text: string): Block {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: text.slice(0, SECTION_LIMIT) }] };
}

/** A preformatted block for literal text (usage lines); escapes it. */
export function preformatted(text: string): Block {
  const fence = '```';
  const room = SECTION_LIMIT - 2 * fence.length - 2;
  const escaped = escapeMrkdwn(text);
  const body = escaped.length > room ? `${escaped.slice(0, room - 1)}…` : escaped;
  return section(`${fence}\n${body}\n${fence}`);
}

/**
 * Builds a reply, keeping under Slack's block limit. The fallback text is made plain (see
 * plainFallback): it may quote outside text, and a notification must never ping or link.
 */
export function reply(fallback: string, blocks: Block[]): SlackReply {
  const text = plainFallback(fallback);
  if (blocks.length <= BLOCK_LIMIT) return { text, blocks };
  return {
    text,
    blocks: [
      ...blocks.slice(0, BLOCK_LIMIT - 1),
      context('(more omitted: ask `/mc help &lt;verb&gt;`)'),
    ],
  };
}

/** Escapes the three characters Slack mrkdwn treats as control characters (see outsideText). */
export function escapeMrkdwn(text: string): string {
  return outsideText(text);
}
