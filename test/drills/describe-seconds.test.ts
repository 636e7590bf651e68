import { describe, expect, it } from 'vitest';
import { describeSeconds } from '../../src/domain/drills/describe-seconds.ts';

describe('domain/drills/describe-seconds', () => {
  it.each<[number, string]>([
    [0.8, '0.8s'],
    [45, '45s'],
    [150, '2m30s'],
    [3900, '1h5m'],
    [86_400, '24h'],
    [36 * 3600, '36h'],
    [30 * 86_400, '30d'],
    [7 * 86_400, '7d'],
    [60 * 3600, '2d12h'],
    // Days only when no minutes are dropped.
    [2 * 86_400 + 1800, '48h30m'],
  ])('%ss reads %s', (seconds, text) => {
    expect(describeSeconds(seconds)).toBe(text);
  });
});
