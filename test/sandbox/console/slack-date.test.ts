import { describe, expect, it } from 'vitest';
import { slackDateText } from '../../../src/sandbox/console/slack-date.ts';

describe('sandbox/console/slack-date', () => {
  const now = new Date('2026-12-07T05:00:00Z');
  const token = (iso: string, format = '{date_short_pretty} {time}') =>
    `!date^${Date.parse(iso) / 1000}^${format}|fallback`;

  it.each([
    ['2026-12-07T03:14:00Z', 'Today 03:14'],
    ['2026-12-06T23:55:45Z', 'Yesterday 23:55'],
    ['2026-12-08T05:16:00Z', 'Tomorrow 05:16'],
    ['2026-11-22T11:47:00Z', 'Nov 22 11:47'],
  ])('%s reads as %s', (iso, shown) => {
    expect(slackDateText(token(iso), now)).toBe(shown);
  });

  it('leaves a format it does not know to the fallback', () => {
    expect(slackDateText(token('2026-12-07T03:14:00Z', '{ago}'), now)).toBeUndefined();
  });
});
