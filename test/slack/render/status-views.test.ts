import { describe, expect, it } from 'vitest';
import { renderHealthLines } from '../../../src/slack/render/status-views.ts';

const sectionText = (reply: ReturnType<typeof renderHealthLines>) =>
  (reply.blocks[0] as { text: { text: string } }).text.text;

describe('src/slack/render/status-views', () => {
  it('puts anything abnormal first, then the healthy lines in catalog order', () => {
    const reply = renderHealthLines([
      { service: 'checkout', env: 'staging', state: 'complete' },
      { service: 'checkout', env: 'prod', state: 'complete, 2 alerts firing' },
      { service: 'payments', env: 'staging', state: 'complete' },
      { service: 'gateway', env: 'prod', state: 'unknown', problem: 'cluster unreachable' },
    ]);
    expect(sectionText(reply).split('\n')).toEqual([
      '*2 of 4 need a look.*',
      ':warning: *checkout* `prod`: complete, 2 alerts firing',
      ':grey_question: *gateway* `prod`: unavailable (cluster unreachable)',
      ':large_green_circle: *checkout* `staging`: complete',
      ':large_green_circle: *payments* `staging`: complete',
    ]);
    expect(reply.text.split('\n')[0]).toBe('2 of 4 need a look.');
  });

  it('says so when everything is healthy', () => {
    const reply = renderHealthLines([{ service: 'checkout', env: 'prod', state: 'complete' }]);
    expect(sectionText(reply)).toMatch(/^\*Everything is healthy\.\*\n/);
  });
});
