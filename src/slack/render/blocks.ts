import type { types } from '@slack/bolt';
import { fitBlocks, MESSAGE_BUDGET, type MessageBudget } from './fit-message.ts';
import { outsideText, plainFallback } from './outside-text.ts';
import { cutMrkdwn } from './safe-cut.ts';

export type Block = types.KnownBlock;

/** A reply to the person who typed the command: fallback text plus Block Kit. */
export interface SlackReply {
  /** Shown in notifications and where blocks cannot render; always set. */
  text: string;
  blocks: Block[];
}

// Slack refuses a section whose text exceeds 3,000 characters, and a message's text over 40,000.
const SECTION_LIMIT = 3000;
const TEXT_LIMIT = 40_000;

/** A mrkdwn section, cut to Slack's limit at a safe boundary with a notice of what was cut. */
export function section(text: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: cutMrkdwn(text, SECTION_LIMIT) } };
}

/** Small grey text under the main content. */
export function context(text: string): Block {
  return {
    type: 'context',
    elements: [{ type: 'mrkdwn', text: cutMrkdwn(text, SECTION_LIMIT) }],
  };
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
 * Builds a reply that Slack accepts, whatever its size: every message the bot posts, edits or
 * answers through a response_url is built here, so every one goes through fitBlocks. `more`
 * names where the whole content is, linked when parts are left out. The fallback text is made
 * plain (see plainFallback): it may quote outside text, and a notification must never ping.
 */
export function reply(fallback: string, blocks: Block[], more?: MessageBudget['more']): SlackReply {
  const text = cutMrkdwn(plainFallback(fallback), TEXT_LIMIT);
  return { text, blocks: fitBlocks(blocks, more ? { ...MESSAGE_BUDGET, more } : MESSAGE_BUDGET) };
}

/** Escapes the three characters Slack mrkdwn treats as control characters (see outsideText). */
export function escapeMrkdwn(text: string): string {
  return outsideText(text);
}
