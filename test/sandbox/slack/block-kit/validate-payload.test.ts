import { describe, expect, it } from 'vitest';
import {
  validateMessage,
  validateView,
} from '../../../../src/sandbox/slack/block-kit/validate-payload.ts';

const plain = (text: string) => ({ type: 'plain_text', text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const section = (text: string) => ({ type: 'section', text: mrkdwn(text) });
const button = (text: string, extra: Record<string, unknown> = {}) => ({
  type: 'button',
  text: plain(text),
  action_id: `a.${text.length}.${Object.keys(extra).join('')}`,
  ...extra,
});
const actions = (...elements: unknown[]) => ({ type: 'actions', elements });
const confirm = (over: Record<string, unknown> = {}) => ({
  title: plain('Sure?'),
  text: mrkdwn('It rolls back prod.'),
  confirm: plain('Yes'),
  deny: plain('No'),
  ...over,
});
const x = (n: number) => 'x'.repeat(n);
const many = <T>(n: number, make: (i: number) => T) => Array.from({ length: n }, (_, i) => make(i));

// Each row: the largest valid payload and the smallest one over the limit, and where Slack points.
const LIMIT_CASES: Array<[string, unknown[], unknown[], string]> = [
  ['50 blocks', many(50, () => section('a')), many(51, () => section('a')), '/blocks'],
  ['section text 3,000', [section(x(3000))], [section(x(3001))], '/blocks/0/text/text'],
  [
    '10 fields',
    [{ type: 'section', fields: many(10, () => mrkdwn('f')) }],
    [{ type: 'section', fields: many(11, () => mrkdwn('f')) }],
    '/blocks/0/fields',
  ],
  [
    'field 2,000',
    [{ type: 'section', fields: [mrkdwn(x(2000))] }],
    [{ type: 'section', fields: [mrkdwn(x(2001))] }],
    '/blocks/0/fields/0/text',
  ],
  [
    'header 150',
    [{ type: 'header', text: plain(x(150)) }],
    [{ type: 'header', text: plain(x(151)) }],
    '/blocks/0/text/text',
  ],
  [
    'header is plain_text',
    [{ type: 'header', text: plain('h') }],
    [{ type: 'header', text: mrkdwn('h') }],
    '/blocks/0/text/type',
  ],
  [
    'context 10 elements',
    [{ type: 'context', elements: many(10, () => mrkdwn('c')) }],
    [{ type: 'context', elements: many(11, () => mrkdwn('c')) }],
    '/blocks/0/elements',
  ],
  [
    'actions 25 elements',
    [actions(...many(25, (i) => ({ ...button('b'), action_id: `b${i}` })))],
    [actions(...many(26, (i) => ({ ...button('b'), action_id: `b${i}` })))],
    '/blocks/0/elements',
  ],
  [
    'button text 75',
    [actions(button(x(75)))],
    [actions(button(x(76)))],
    '/blocks/0/elements/0/text/text',
  ],
  [
    'button value 2,000',
    [actions(button('v', { value: x(2000) }))],
    [actions(button('v', { value: x(2001) }))],
    '/blocks/0/elements/0/value',
  ],
  [
    'button url 3,000',
    [actions(button('u', { url: `https://e.x/${x(2988)}` }))],
    [actions(button('u', { url: `https://e.x/${x(2989)}` }))],
    '/blocks/0/elements/0/url',
  ],
  [
    'action_id 255',
    [actions({ ...button('a'), action_id: x(255) })],
    [actions({ ...button('a'), action_id: x(256) })],
    '/blocks/0/elements/0/action_id',
  ],
  [
    'action_id unique in a block',
    [actions({ ...button('a'), action_id: 'one' }, { ...button('b'), action_id: 'two' })],
    [actions({ ...button('a'), action_id: 'one' }, { ...button('b'), action_id: 'one' })],
    '/blocks/0/elements/1/action_id',
  ],
  [
    'block_id 255',
    [{ ...section('a'), block_id: x(255) }],
    [{ ...section('a'), block_id: x(256) }],
    '/blocks/0/block_id',
  ],
  [
    'block_id unique in a message',
    [
      { ...section('a'), block_id: 'b1' },
      { ...section('a'), block_id: 'b2' },
    ],
    [
      { ...section('a'), block_id: 'b1' },
      { ...section('a'), block_id: 'b1' },
    ],
    '/blocks/1/block_id',
  ],
  [
    'confirm title 100',
    [actions(button('c', { confirm: confirm({ title: plain(x(100)) }) }))],
    [actions(button('c', { confirm: confirm({ title: plain(x(101)) }) }))],
    '/blocks/0/elements/0/confirm/title/text',
  ],
  [
    'confirm text 300',
    [actions(button('c', { confirm: confirm({ text: mrkdwn(x(300)) }) }))],
    [actions(button('c', { confirm: confirm({ text: mrkdwn(x(301)) }) }))],
    '/blocks/0/elements/0/confirm/text/text',
  ],
  [
    'confirm button 30',
    [actions(button('c', { confirm: confirm({ deny: plain(x(30)) }) }))],
    [actions(button('c', { confirm: confirm({ deny: plain(x(31)) }) }))],
    '/blocks/0/elements/0/confirm/deny/text',
  ],
  [
    'emoji only on plain_text',
    [{ type: 'section', text: { type: 'plain_text', text: 'a', emoji: true } }],
    [{ type: 'section', text: { type: 'mrkdwn', text: 'a', emoji: true } }],
    '/blocks/0/text/emoji',
  ],
  [
    'overflow 5 options',
    [
      actions({
        type: 'overflow',
        action_id: 'o',
        options: many(5, (i) => ({ text: plain('o'), value: `${i}` })),
      }),
    ],
    [
      actions({
        type: 'overflow',
        action_id: 'o',
        options: many(6, (i) => ({ text: plain('o'), value: `${i}` })),
      }),
    ],
    '/blocks/0/elements/0/options',
  ],
  ['empty text', [section('a')], [section('')], '/blocks/0/text/text'],
];

describe('sandbox/slack/block-kit/validate-payload', () => {
  it.each(LIMIT_CASES)(
    '%s: accepts the limit, refuses one past it',
    (_name, fits, over, pointer) => {
      expect(validateMessage({ text: 't', blocks: fits })).toBeNull();
      const refused = validateMessage({ text: 't', blocks: over });
      expect(refused?.error).toBe('invalid_blocks');
      expect(refused?.response_metadata.messages).toContainEqual(
        expect.stringContaining(`[json-pointer:${pointer}]`),
      );
    },
  );

  it('answers msg_blocks_too_long when the blocks carry more than about 12,000 characters', () => {
    const fits = many(4, () => section(x(3000)));
    expect(validateMessage({ text: 't', blocks: fits })).toBeNull();
    const refused = validateMessage({ text: 't', blocks: [...fits, section('one more')] });
    expect(refused?.error).toBe('msg_blocks_too_long');
    expect(refused?.response_metadata.messages[0]).toContain('12008 characters');
  });

  it('refuses top-level text over 40,000 characters with msg_too_long', () => {
    expect(validateMessage({ text: x(40_000) })).toBeNull();
    expect(validateMessage({ text: x(40_001) })?.error).toBe('msg_too_long');
  });

  it('reads blocks sent form-encoded as a JSON string', () => {
    const refused = validateMessage({ text: 't', blocks: JSON.stringify([section(x(3001))]) });
    expect(refused?.error).toBe('invalid_blocks');
  });

  it('allows 100 blocks in a modal and checks its title', () => {
    const modal = (blocks: number, title = 'Gate') => ({
      type: 'modal',
      title: plain(title),
      blocks: many(blocks, () => section('a')),
    });
    expect(validateView(modal(100))).toBeNull();
    expect(validateView(modal(101))?.response_metadata.messages).toEqual([
      '[ERROR] must provide at most 100 items [json-pointer:/view/blocks]',
    ]);
    expect(validateView(modal(1, x(25)))?.error).toBe('invalid_blocks');
  });
});
