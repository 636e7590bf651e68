import { describe, expect, it } from 'vitest';
import {
  describePodShare,
  recountPodKill,
  shareWords,
} from '../../../src/domain/drills/pod-share.ts';

describe('src/domain/drills/pod-share', () => {
  it.each([
    [33, 'a third'],
    [50, 'half'],
    [25, 'a quarter'],
    [100, 'all'],
    [40, '40%'],
  ])('%i %% reads as %s', (percent, words) => {
    expect(shareWords(percent)).toBe(words);
  });

  it('says how many of how many pods once the plan counted them', () => {
    expect(describePodShare({ percent: 33 }, { deleted: 1, of: 2 })).toBe(
      '1 of 2 pods (a third, at least one)',
    );
    expect(describePodShare({ count: 2 }, { deleted: 2, of: 6 })).toBe('2 of 6 pods (2 asked)');
    expect(describePodShare({ percent: 33 })).toBe('a third of the pods (at least one)');
    expect(describePodShare({ count: 1 })).toBe('1 pod');
  });

  it('restates the blast radius from the delete-pods intent, and leaves other drills alone', () => {
    const radius = [
      'Deletes a third of the pods (at least one) of `checkout/prod`; the others keep serving.',
      'Restored at the latest 5m after the fault.',
    ];
    const steps = [{ action: 'k8s.delete-pods', params: { percent: 33 } }];
    const planned = [{ intent: { before: { live: 2, pods: ['checkout-a'] } } }];
    expect(recountPodKill(steps, radius, planned)).toEqual([
      'Deletes 1 of 2 pods (a third, at least one) of `checkout/prod`; the others keep serving.',
      'Restored at the latest 5m after the fault.',
    ]);
    expect(recountPodKill([{ action: 'k8s.rollback', params: {} }], radius, planned)).toBe(radius);
    expect(recountPodKill(steps, radius, [{}])).toBe(radius);
  });
});
