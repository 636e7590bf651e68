import { describe, expect, it } from 'vitest';
import { mrkdwnToHtml, type Names } from '../../../src/sandbox/console/mrkdwn.ts';
import { renderMessageHtml } from '../../../src/sandbox/console/render-blocks.ts';

const names: Names = {
  user: (id) => ({ U01ALICE01: 'alice', U0EVIL: '<img src=x onerror=alert(1)>' })[id],
  channel: (id) => ({ C0MCOPS: 'mc-ops' })[id],
  group: (id) => ({ S02RELMGRS: 'release-managers' })[id],
};
const md = (text: string) => mrkdwnToHtml(text, names);
const section = (text: string, type = 'mrkdwn') => ({ type: 'section', text: { type, text } });

describe('sandbox/console/mrkdwn', () => {
  it.each([
    ['*bold*', '<b>bold</b>'],
    ['_italic_ and ~gone~', '<i>italic</i> and <s>gone</s>'],
    ['run `r_1` now', 'run <code>r_1</code> now'],
    [
      '*Rollback `checkout` in `staging`*',
      '<b>Rollback <code>checkout</code> in <code>staging</code></b>',
    ],
    ['```\nline 1\nline 2\n```', '<pre class="code">line 1\nline 2</pre>'],
    [
      '<https://mc.test/evidence/e_1|Evidence>',
      '<a href="https://mc.test/evidence/e_1" target="_blank" rel="noopener noreferrer">Evidence</a>',
    ],
    ['by <@U01ALICE01>', 'by <span class="mention">@alice</span>'],
    ['in <#C0MCOPS>', 'in <span class="mention">#mc-ops</span>'],
    ['<!subteam^S01SRELEAD|@sre-leads>', '<span class="mention">@sre-leads</span>'],
    // As Slack shows a group mention the bot sends without a label: its handle, not its id.
    ['<!subteam^S02RELMGRS>', '<span class="mention">@release-managers</span>'],
    ['<!subteam^S09UNKNOWN>', '<span class="mention">@S09UNKNOWN</span>'],
    // Date tokens read as Slack shows them (UTC readers), the fallback kept as a tooltip.
    [
      '<!date^1795348022^{date_short}|2026-11-22 11:47 UTC>',
      '<time title="2026-11-22 11:47 UTC">Nov 22</time>',
    ],
    [
      '<!date^1795348022^{nonsense}|2026-11-22 11:47 UTC>',
      '<time title="2026-11-22 11:47 UTC">2026-11-22 11:47 UTC</time>',
    ],
    [':white_check_mark: done\nnext', '<span class="emoji">✅</span> done<br>next'],
    // Every Slack shortcode, from the table Slack uses, not a hand-picked few.
    [
      ':page_facing_up: :test_tube: :grey_question:',
      '<span class="emoji">📄</span> <span class="emoji">🧪</span> <span class="emoji">❔</span>',
    ],
    [':no_such_emoji_here:', ':no_such_emoji_here:'],
    ['_italic_ and *bold*', '<i>italic</i> and <b>bold</b>'],
    ['5 &lt; 6 &amp;&amp; 7 &gt; 6', '5 &lt; 6 &amp;&amp; 7 &gt; 6'],
    ['snake_case_name stays', 'snake_case_name stays'],
  ])('%s', (input, html) => {
    expect(md(input)).toBe(html);
  });

  it.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['`<img src=x onerror=alert(1)>`', '<code>&lt;img src=x onerror=alert(1)&gt;</code>'],
    ['<javascript:alert(1)|click me>', 'click me'],
    ['<data:text/html,<b>x</b>|x>', '&lt;data:text/html,&lt;b&gt;x&lt;/b&gt;|x&gt;'],
    [
      '<https://a.test/"onmouseover="alert(1)|x>',
      '<a href="https://a.test/&quot;onmouseover=&quot;alert(1)" target="_blank" rel="noopener noreferrer">x</a>',
    ],
    ['<@U0EVIL>', '<span class="mention">@&lt;img src=x onerror=alert(1)&gt;</span>'],
    ['*<b>not ours</b>*', '<b>&lt;b&gt;not ours&lt;/b&gt;</b>'],
  ])('escapes hostile text: %s', (input, html) => {
    expect(md(input)).toBe(html);
  });
});

describe('sandbox/console/render-blocks', () => {
  it('renders a plan: section with fields, context, divider and styled buttons with a confirm dialog', () => {
    const html = renderMessageHtml(
      {
        text: 'fallback',
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: 'Rollback <checkout>' } },
          { type: 'section', fields: [{ type: 'mrkdwn', text: '*Requested by*\n<@U01ALICE01>' }] },
          { type: 'divider' },
          { type: 'context', elements: [{ type: 'mrkdwn', text: 'run `r_1`' }] },
          {
            type: 'actions',
            block_id: 'run-actions',
            elements: [
              {
                type: 'button',
                action_id: 'run.confirm',
                value: 'r_1:abc',
                style: 'primary',
                text: { type: 'plain_text', text: 'Confirm' },
              },
              {
                type: 'button',
                action_id: 'run.revert',
                value: 'r_1',
                style: 'danger',
                text: { type: 'plain_text', text: 'Revert' },
                confirm: {
                  title: { type: 'plain_text', text: 'Revert?' },
                  text: { type: 'mrkdwn', text: 'Puts *1.4.2* back' },
                  confirm: { type: 'plain_text', text: 'Revert' },
                  deny: { type: 'plain_text', text: 'Keep' },
                },
              },
              {
                type: 'button',
                url: 'https://mc.test/evidence/e_1',
                text: { type: 'plain_text', text: 'Evidence' },
              },
            ],
          },
        ],
      },
      names,
    );
    expect(html).toContain('<div class="block header">Rollback &lt;checkout&gt;</div>');
    expect(html).toContain(
      '<div class="field"><b>Requested by</b><br><span class="mention">@alice</span></div>',
    );
    expect(html).toContain('<hr class="block divider">');
    expect(html).toContain('<div class="block context"><span>run <code>r_1</code></span></div>');
    expect(html).toContain(
      '<button type="button" class="btn primary" data-action-id="run.confirm" data-value="r_1:abc" data-block-id="run-actions">Confirm</button>',
    );
    expect(html).toMatch(
      /class="btn danger" data-action-id="run.revert"[^>]* data-confirm="\{&quot;title&quot;:&quot;Revert\?&quot;,&quot;text&quot;:&quot;Puts &lt;b&gt;1\.4\.2&lt;\/b&gt; back&quot;/,
    );
    expect(html).toContain(
      '<a class="btn" href="https://mc.test/evidence/e_1" target="_blank" rel="noopener noreferrer">Evidence</a>',
    );
    expect(html).not.toContain('fallback');
  });

  it('keeps hostile ids and values inside their attributes', () => {
    const html = renderMessageHtml(
      {
        blocks: [
          {
            type: 'actions',
            block_id: '"><script>x()</script>',
            elements: [
              {
                type: 'button',
                action_id: 'a" onclick="x()',
                value: "v' onfocus='x()",
                text: { type: 'plain_text', text: '<b>Run</b>' },
              },
              {
                type: 'button',
                url: 'javascript:alert(1)',
                text: { type: 'plain_text', text: 'bad link' },
              },
            ],
          },
          { type: 'image', image_url: 'javascript:alert(1)', alt_text: 'x' },
        ],
      },
      names,
    );
    expect(html).not.toMatch(/<script|onclick="x|onfocus='x|href="javascript|src="javascript/);
    expect(html).toContain('data-action-id="a&quot; onclick=&quot;x()"');
    expect(html).toContain('data-value="v&#39; onfocus=&#39;x()"');
    expect(html).toContain('&lt;b&gt;Run&lt;/b&gt;');
    // A url button whose url is not http(s) degrades to an inert button without the url.
    expect(html).toContain('bad link</button>');
  });

  it('shows text when there are no blocks, and unknown blocks as a visible placeholder', () => {
    // Wrapped like a section block's text: the section is a flex row, so bare inline pieces
    // (an emoji, a bold word, the rest) would each become a column.
    expect(
      renderMessageHtml({ text: ':page_facing_up: *NO-GO* recorded', blocks: [] }, names),
    ).toBe(
      '<div class="block section"><div class="main"><div class="text"><span class="emoji">📄</span> <b>NO-GO</b> recorded</div></div></div>',
    );
    expect(renderMessageHtml({ blocks: [{ type: 'rich_text' }] }, names)).toContain(
      '[rich_text block]',
    );
    expect(
      renderMessageHtml({ blocks: [section('plain *not bold* <x>', 'plain_text')] }, names),
    ).toContain('plain *not bold* &lt;x&gt;');
  });
});
