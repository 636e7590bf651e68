import { describe, expect, it } from 'vitest';
import { canaryNextStep } from '../../src/actions/kubernetes/wait-for-rollout.ts';
import type { Workload } from '../../src/adapters/kubernetes/types.ts';

/** A Rollout paused at `index` of these canary steps. */
function pausedAt(steps: object[], index: number): Workload {
  return {
    ref: { kind: 'Rollout', context: 'prod', namespace: 'checkout', name: 'checkout' },
    uid: 'u1',
    resourceVersion: '1',
    generation: 2,
    annotations: {},
    replicas: 4,
    paused: false,
    steps: steps as Workload['steps'],
    status: { phase: 'Paused', currentStepIndex: index },
  } as unknown as Workload;
}

describe('src/actions/kubernetes/wait-for-rollout canaryNextStep', () => {
  const steps = [
    { setWeight: 25 },
    { pause: {} },
    { pause: { duration: '5m' } },
    { pause: { duration: 30 } },
  ];

  it.each([
    [
      1,
      'the canary holds here until someone clicks Promote in the thread; Abort returns traffic to stable',
    ],
    [
      2,
      'Argo continues on its own after the 5m pause; Promote in the thread skips ahead, Abort returns traffic to stable',
    ],
    [
      3,
      'Argo continues on its own after the 30s pause; Promote in the thread skips ahead, Abort returns traffic to stable',
    ],
  ])('a deploy paused at step %i says who moves it on', (index, text) => {
    expect(canaryNextStep(pausedAt(steps, index), 'buttons')).toBe(text);
  });

  it('a rollback never waits for a click: mc promotes it fully', () => {
    const text = canaryNextStep(pausedAt(steps, 1), 'mc');
    expect(text).toBe(
      'mc promotes it fully next: a rollback skips the remaining canary steps, nothing to click',
    );
    expect(text).not.toContain('Promote in the thread');
  });
});
