import { describe, expect, it } from 'vitest';
import { reasonMrkdwn } from '../../../src/slack/render/reason-mentions.ts';

describe('src/slack/render/reason-mentions', () => {
  it.each([
    [
      'deploy `1.4.2` by U02CAROL03 4 min before first signal',
      'deploy `1.4.2` by <@U02CAROL03> 4 min before first signal',
    ],
    ['rollback `1.4.2` → `1.4.1` by U01ALICE01', 'rollback `1.4.2` → `1.4.1` by <@U01ALICE01>'],
    [
      'deploy `1.4.2` by @alice 2 min before first signal',
      'deploy `1.4.2` by @alice 2 min before first signal',
    ],
    // Quoted outside text never becomes a mention, whatever it says.
    [
      'PagerDuty #12 "deploy `1.4.2` by U02CAROL03 <!channel>"',
      'PagerDuty #12 "deploy `1.4.2` by U02CAROL03 &lt;!channel&gt;"',
    ],
    ['deploy `1 <@U0X>` by U02CAROL03', 'deploy `1 &lt;@U0X&gt;` by U02CAROL03'],
  ])('%s', (reason, shown) => {
    expect(reasonMrkdwn(reason)).toBe(shown);
  });
});
