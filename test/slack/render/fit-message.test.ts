import { describe, expect, it } from 'vitest';
import { validateMessage } from '../../../src/sandbox/slack/block-kit/validate-payload.ts';
import { fitBlocks, textLength } from '../../../src/slack/render/fit-message.ts';

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const button = (i: number, label = `Button ${i}`) => ({
  type: 'button',
  action_id: `b.${i}`,
  text: { type: 'plain_text', text: label },
  value: `${i}`,
});
const footer = { type: 'context', elements: [{ type: 'mrkdwn', text: 'run `r-1`' }] };
const accepted = (blocks: unknown[]) => validateMessage({ text: 't', blocks });
const labels = (blocks: unknown[]) =>
  (blocks as Array<{ type: string; elements?: Array<{ text: { text: string } }> }>)
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements!.map((e) => e.text.text));

describe('slack/render/fit-message', () => {
  it('leaves a message that fits untouched', () => {
    const blocks = [section('hello'), { type: 'actions', elements: [button(1)] }, footer];
    expect(fitBlocks(blocks)).toEqual(blocks);
  });

  it('keeps every button of an oversized message and its footer, saying what was left out', () => {
    const blocks = [
      ...Array.from({ length: 80 }, (_, i) => section(`row ${i}`)),
      { type: 'actions', elements: [button(1), button(2)] },
      footer,
    ];
    const fitted = fitBlocks(blocks, {
      maxBlocks: 50,
      maxText: 11_000,
      more: { url: 'https://mc.example/evidence/1', label: 'evidence' },
    });
    expect(accepted(fitted)).toBeNull();
    expect(fitted).toHaveLength(50);
    expect(labels(fitted)).toEqual(['Button 1', 'Button 2']);
    expect(fitted.at(-1)).toEqual(footer);
    expect(JSON.stringify(fitted)).toContain(
      '_33 more parts of this message not shown_: <https://mc.example/evidence/1|evidence>',
    );
  });

  it('splits more than 25 buttons into several action rows, dropping none', () => {
    const fitted = fitBlocks([
      section('roles'),
      { type: 'actions', block_id: 'a', elements: Array.from({ length: 31 }, (_, i) => button(i)) },
    ]);
    expect(accepted(fitted)).toBeNull();
    expect(labels(fitted)).toHaveLength(31);
    expect(fitted.map((b) => (b as { block_id?: string }).block_id)).toEqual([
      undefined,
      'a',
      'a-2',
    ]);
  });

  it('shortens a button label over 75 characters', () => {
    const fitted = fitBlocks([
      { type: 'actions', elements: [button(1, `Sign off as ${'r'.repeat(70)}`)] },
    ]);
    expect(accepted(fitted)).toBeNull();
    expect(labels(fitted)[0]).toMatch(/^Sign off as r+…$/);
  });

  it('cuts the longest sections to the text budget, each with a notice', () => {
    const blocks = [section('head'), ...Array.from({ length: 6 }, () => section('x'.repeat(2900)))];
    const fitted = fitBlocks(blocks);
    expect(accepted(fitted)).toBeNull();
    expect(textLength(fitted)).toBeLessThanOrEqual(11_000);
    expect(fitted).toHaveLength(7);
    expect(JSON.stringify(fitted)).toMatch(/more characters not shown/);
  });

  it('merges context elements past 10 and moves fields past 10 into another section', () => {
    const mrkdwn = (t: string) => ({ type: 'mrkdwn', text: t });
    const fitted = fitBlocks([
      { type: 'context', elements: Array.from({ length: 12 }, (_, i) => mrkdwn(`c${i}`)) },
      { type: 'section', fields: Array.from({ length: 12 }, (_, i) => mrkdwn(`f${i}`)) },
    ]);
    expect(accepted(fitted)).toBeNull();
    expect(JSON.stringify(fitted)).toContain('c9 · c10 · c11');
    expect(fitted).toHaveLength(3);
  });
});
