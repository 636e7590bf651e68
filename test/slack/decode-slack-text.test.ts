import { describe, expect, it } from 'vitest';
import { decodeSlackText } from '../../src/slack/decode-slack-text.ts';

describe('src/slack/decode-slack-text', () => {
  it.each([
    ['deploy checkout 1.4.2 --reason a &amp; b', 'deploy checkout 1.4.2 --reason a & b'],
    ['gate x --reason p99 &gt; 400ms &lt;ok&gt;', 'gate x --reason p99 > 400ms <ok>'],
    [
      'triage <https://acme.pagerduty.com/incidents/Q1ABC|https://acme.pagerduty.com/incidents/Q1ABC>',
      'triage https://acme.pagerduty.com/incidents/Q1ABC',
    ],
    [
      'triage <https://acme.pagerduty.com/incidents/Q2>',
      'triage https://acme.pagerduty.com/incidents/Q2',
    ],
    [
      'rollback checkout --reason asked by <@U01ALICE01|alice>',
      'rollback checkout --reason asked by @U01ALICE01',
    ],
    ['status --reason see <#C0123ABC|incidents>', 'status --reason see #incidents'],
    ['help', 'help'],
  ])('%s', (input, expected) => {
    expect(decodeSlackText(input)).toBe(expected);
  });
});
