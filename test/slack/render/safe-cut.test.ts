import { describe, expect, it } from 'vitest';
import { cutMrkdwn, cutPlain, safeBoundary } from '../../../src/slack/render/safe-cut.ts';

describe('slack/render/safe-cut', () => {
  it.each([
    ['an escape', 'aaaa &lt;the&gt; until', 7, 5],
    ['a mention', 'hi <@U12345> there', 8, 3],
    ['a link', 'see <https://e.x/a|graph> now', 12, 4],
    ['a surrogate pair', 'ab😀cd', 3, 2],
  ])('never ends inside %s', (_name, text, at, expected) => {
    expect(safeBoundary(text, at)).toBe(expected);
  });

  it('leaves text that fits alone', () => {
    expect(cutMrkdwn('short', 10)).toBe('short');
    expect(cutPlain('short', 10)).toBe('short');
  });

  it('cuts mrkdwn within the limit and says how much was cut', () => {
    const text = `${'word '.repeat(1000)}end`;
    const cut = cutMrkdwn(text, 3000);
    expect(cut.length).toBeLessThanOrEqual(3000);
    const shown = cut.slice(0, cut.indexOf('…'));
    expect(cut).toContain(
      `${(text.length - shown.length).toLocaleString('en-US')} more characters not shown`,
    );
  });

  it('cuts a run of escapes only between them', () => {
    const text = '&lt;'.repeat(1000);
    const cut = cutMrkdwn(text, 500);
    expect(cut.slice(0, cut.indexOf('…'))).toMatch(/^(&lt;)+$/);
  });

  it('closes a code fence the cut left open', () => {
    const cut = cutMrkdwn(`\`\`\`\n${'line\n'.repeat(500)}\`\`\``, 300);
    expect((cut.match(/```/g) ?? []).length).toBe(2);
    expect(cut.length).toBeLessThanOrEqual(300);
  });

  it('shortens a label to the limit with an ellipsis', () => {
    expect(cutPlain(`Sign off as ${'r'.repeat(80)}`, 75)).toMatch(/^Sign off as r+…$/);
    expect(cutPlain(`Sign off as ${'r'.repeat(80)}`, 75)).toHaveLength(75);
  });
});
