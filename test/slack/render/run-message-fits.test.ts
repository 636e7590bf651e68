import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/findings/types.ts';
import { validateMessage } from '../../../src/sandbox/slack/block-kit/validate-payload.ts';
import { renderFinding } from '../../../src/slack/render/run-message.ts';

const finding = (reason: string): Finding => ({
  summary: 'deploy checkout',
  title: 'deploy checkout',
  state: 'awaiting_approval',
  status: 'waiting for approval',
  fields: [{ label: 'Reason', value: [reason] }],
  steps: [],
  problems: [],
  notes: [],
  buttons: [],
  links: [],
  footer: ['run `r-1`'],
});

describe('slack/render/run-message fits Slack', () => {
  it('cuts a 5,000-character reason at a safe boundary and says how much is not shown', () => {
    const reason = 'a <b> & c '.repeat(500);
    const { blocks } = renderFinding(finding(reason));
    expect(validateMessage({ text: 't', blocks })).toBeNull();
    const field = (blocks[1] as { fields: Array<{ text: string }> }).fields[0]!.text;
    expect(field.length).toBeLessThanOrEqual(2000);
    expect(field).toMatch(/… _\([\d,]+ more characters not shown\)_$/);
    // Never inside an escape: what is shown ends before an `&` or after a whole entity.
    expect(field.slice(0, field.indexOf('…'))).not.toMatch(/&[a-z]*$/);
  });
});
