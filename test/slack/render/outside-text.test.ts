import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Line } from '../../../src/findings/index.ts';
import { reply } from '../../../src/slack/render/blocks.ts';
import {
  botText,
  outsideText,
  plainFallback,
  safeLinkUrl,
  slackLink,
} from '../../../src/slack/render/outside-text.ts';
import { lineMrkdwn } from '../../../src/slack/render/run-inline.ts';

// Pieces a hostile title, label or reason would use, mixed with anything at all.
const CONTROL = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<!here|here>',
  '<!subteam^S01SRELEAD>',
  '<!subteam^S01SRELEAD|@sre-leads>',
  '<@U0CEO0001>',
  '<@W0ADMIN01|admin>',
  '<#C0GENERAL>',
  '<https://evil.example|https://good.example>',
  '<https://evil.example/phish|#4812>',
  '<mailto:x@evil.example|mail>',
  '<!date^1700000000^{date}|today>',
  '&lt;!channel&gt;',
  '&amp;',
  '<',
  '>',
  '|',
  '&',
  '\n',
  '`',
];
const hostile = fc
  .array(fc.oneof(fc.constantFrom(...CONTROL), fc.string(), fc.string({ unit: 'grapheme' })), {
    maxLength: 12,
  })
  .map((parts) => parts.join(''));

/** What Slack shows for escaped mrkdwn text. */
const shown = (mrkdwn: string) =>
  mrkdwn.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Every `<…>` control sequence in a mrkdwn string. */
const sequences = (mrkdwn: string) => mrkdwn.match(/<[^<>]*>/g) ?? [];

describe('src/slack/render/outside-text', () => {
  it('outsideText: no control sequence survives, and the reader sees exactly the input', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const out = outsideText(text);
        expect(out).not.toMatch(/[<>]/);
        expect(shown(out)).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('botText keeps only user mentions; no broadcast, group or link gets through', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        for (const sequence of sequences(botText(text))) {
          expect(sequence).toMatch(/^<@[UW][A-Z0-9]{2,}>$/);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('a fallback text never holds a control sequence (notifications cannot ping)', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        expect(plainFallback(text)).not.toMatch(/[<>]/);
        expect(reply(text, []).text).not.toMatch(/[<>]/);
      }),
      { numRuns: 2000 },
    );
  });

  it('slackLink: either one link to a plain http(s) URL with the bot’s label, or no link', () => {
    fc.assert(
      fc.property(fc.oneof(hostile, fc.webUrl()), hostile, (url, label) => {
        const out = slackLink(url, label);
        const found = sequences(out);
        if (safeLinkUrl(url) === null) {
          expect(found).toEqual([]);
          return;
        }
        expect(found).toHaveLength(1);
        const [, target, shownLabel] = /^<([^|<>]+)\|([^<>]*)>$/.exec(out) ?? [];
        expect(target).toBe(url);
        expect(new URL(target!).protocol).toMatch(/^https?:$/);
        expect(shown(shownLabel!)).toBe(label);
      }),
      { numRuns: 2000 },
    );
  });

  it('a finding line mentions only its { user } pieces and links only its { link } pieces', () => {
    const piece = fc.oneof(
      hostile,
      fc.record({ user: fc.constantFrom('U01ALICE01', 'W02BOB0002') }),
      fc.record({ link: fc.oneof(hostile, fc.webUrl()), text: hostile }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (line) => {
        const out = lineMrkdwn(line as Line);
        const users = line.filter((p) => typeof p === 'object' && 'user' in p).length;
        const links = line.filter(
          (p) => typeof p === 'object' && 'link' in p && safeLinkUrl(p.link) !== null,
        ).length;
        const found = sequences(out);
        expect(found.filter((s) => /^<@[UW][A-Z0-9]+>$/.test(s))).toHaveLength(users);
        expect(found.filter((s) => /^<https?:\/\//.test(s))).toHaveLength(links);
        expect(found).toHaveLength(users + links);
      }),
      { numRuns: 1000 },
    );
  });

  it.each([
    ['https://acme.pagerduty.com/incidents/Q1', true],
    ['http://127.0.0.1:9090/graph?g0.expr=up&g0.tab=1', true],
    ['https://x.example/a|PagerDuty> <!channel> <https://evil.example/phish', false],
    ['javascript:alert(1)', false],
    ['https://user:pass@evil.example/', false],
    ['/relative/path', false],
    ['', false],
  ])('safeLinkUrl(%j) is usable: %s', (url, ok) => {
    expect(safeLinkUrl(url) !== null).toBe(ok);
  });
});
