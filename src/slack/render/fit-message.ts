import { fitBlock, type LooseBlock } from './fit-block.ts';
import { slackLink } from './outside-text.ts';
import { cutMrkdwn } from './safe-cut.ts';

/** How much a message may carry; the defaults are a message's (a modal takes 100 blocks). */
export interface MessageBudget {
  maxBlocks: number;
  /**
   * Characters of text across all blocks. Slack refuses more than about 12,000 with
   * `msg_blocks_too_long` (undocumented; rejections are reported from about 11,300).
   */
  maxText: number;
  /** Where the whole content is (an evidence page), linked from the notice of what was left out. */
  more?: { url: string; label: string };
}

export const MESSAGE_BUDGET: MessageBudget = { maxBlocks: 50, maxText: 11_000 };

// A section is never cut below this while a longer one could be cut instead.
const SECTION_FLOOR = 400;

/** Every text string in a block, as Slack's budget counts it. */
export function textLength(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, v) => sum + textLength(v), 0);
  if (value === null || typeof value !== 'object') return 0;
  let sum = 0;
  for (const [key, child] of Object.entries(value)) {
    sum += key === 'text' && typeof child === 'string' ? child.length : textLength(child);
  }
  return sum;
}

function omittedNotice(count: number, budget: MessageBudget): LooseBlock {
  const where = budget.more ? `: ${slackLink(budget.more.url, budget.more.label)}` : '';
  const noun = count === 1 ? 'part' : 'parts';
  return {
    type: 'context',
    elements: [
      { type: 'mrkdwn', text: `_${count} more ${noun} of this message not shown_${where}` },
    ],
  };
}

// Actions are never dropped, nor the footer: the last block that is not actions (ids, links).
function isKept(block: LooseBlock, i: number, all: LooseBlock[]): boolean {
  if (block.type === 'actions') return true;
  return all.slice(i + 1).every((b) => b.type === 'actions');
}

/** Leaves out the last droppable blocks until `fits` holds, with one notice in their place. */
function dropUntil(
  blocks: LooseBlock[],
  budget: MessageBudget,
  fits: (b: LooseBlock[]) => boolean,
): LooseBlock[] {
  if (fits(blocks)) return blocks;
  const droppable = blocks.flatMap((b, i) => (isKept(b, i, blocks) ? [] : [i]));
  let result = blocks;
  // The first droppable block (the headline) always stays.
  for (let n = 1; n < droppable.length; n++) {
    const gone = new Set(droppable.slice(-n));
    const first = Math.min(...gone);
    result = blocks.flatMap((b, i) => [
      ...(i === first ? [omittedNotice(n, budget)] : []),
      ...(gone.has(i) ? [] : [b]),
    ]);
    if (fits(result)) return result;
  }
  return result;
}

// Cuts the longest section text by what is over the budget, never below the floor.
function cutLongest(blocks: LooseBlock[], over: number): boolean {
  let longest = -1;
  let length = SECTION_FLOOR;
  blocks.forEach((b, i) => {
    const t = (b.text as { type?: string; text?: string } | undefined)?.text;
    if (b.type === 'section' && typeof t === 'string' && t.length > length) {
      longest = i;
      length = t.length;
    }
  });
  if (longest === -1) return false;
  const block = blocks[longest]!;
  const text = block.text as { type: string; text: string };
  const target = Math.max(SECTION_FLOOR, length - over);
  blocks[longest] = { ...block, text: { ...text, text: cutMrkdwn(text.text, target) } };
  return true;
}

/**
 * The one layout step every message goes through before Slack sees it: each block within
 * its limits (text cut at safe boundaries with a notice, labels shortened, long action rows
 * split), then the message within its block count and text budget. Long sections are cut
 * first; only then are whole blocks left out, with a notice and a link to where the rest is.
 * Action blocks and the footer (the last block that is not actions) are never left out.
 */
export function fitBlocks<T>(blocks: T[], budget: MessageBudget = MESSAGE_BUDGET): T[] {
  const fitted = (blocks as LooseBlock[]).flatMap(fitBlock);
  const cut = [...fitted];
  while (textLength(cut) > budget.maxText && cutLongest(cut, textLength(cut) - budget.maxText)) {
    // each pass shortens one section; the loop ends when the budget holds or nothing is left to cut
  }
  const fits = (b: LooseBlock[]) => b.length <= budget.maxBlocks && textLength(b) <= budget.maxText;
  return dropUntil(cut, budget, fits) as T[];
}
