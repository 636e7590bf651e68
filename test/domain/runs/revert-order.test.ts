import { describe, expect, it } from 'vitest';
import { type RunStep, type RunStepState, revertOrder } from '../../../src/domain/runs/index.ts';

/** `s` = reversible succeeded, `S` = irreversible succeeded; see STATE_OF for the rest. */
const STATE_OF: Record<string, RunStepState> = {
  s: 'succeeded',
  S: 'succeeded',
  f: 'failed',
  F: 'failed',
  p: 'pending',
  P: 'pending',
  r: 'running',
  v: 'reverted',
  x: 'revert_failed',
};

/** Steps from a compact picture: one letter per step; a trailing `+` marks a captured `before`. */
function steps(picture: string): RunStep[] {
  return picture.split(' ').map((code, index) => {
    const letter = code.charAt(0);
    const step: RunStep = {
      index,
      action: `action-${index}`,
      params: {},
      reversible: letter === letter.toLowerCase(),
      plan: `change ${index}`,
      state: STATE_OF[letter] ?? 'pending',
    };
    if (code.endsWith('+')) step.before = { replicas: index };
    return step;
  });
}

describe('domain/runs/revert-order', () => {
  it.each<[string, string, number | undefined, number[], number[]]>([
    ['undo a whole succeeded run, last step first', 's s s', undefined, [2, 1, 0], []],
    ['a failed step that changed nothing is not reverted', 's s f p', 2, [1, 0], []],
    [
      'a failed step that captured before (verify failed) is reverted first',
      's s f+ p',
      2,
      [2, 1, 0],
      [],
    ],
    ['a step cut off mid-run after capturing before is reverted', 's r+ p', 1, [1, 0], []],
    // The API may have taken the change before the crash: reverting reconciles it first.
    ['a step cut off before capturing anything may have changed it too', 's r p', 1, [1, 0], []],
    ['irreversible steps are reported, not reverted', 's S s f', 3, [2, 0], [1]],
    ['irreversible steps that never ran are not reported', 's f P', 1, [0], []],
    ['steps after the failure are left alone', 's f s', 1, [0], []],
    ['already reverted steps are skipped', 's v s', undefined, [2, 0], []],
    ['a step whose revert failed is retried', 'x v', undefined, [0], []],
    ['a run that failed at its first step reverts nothing', 'f p p', 0, [], []],
  ])('%s: %s', (_name, picture, failedIndex, revert, irreversible) => {
    const plan = revertOrder(steps(picture), failedIndex);
    expect(plan.revert).toEqual(revert);
    expect(plan.irreversible.map((s) => s.index)).toEqual(irreversible);
  });

  it('tells the person which irreversible step stays done, numbered from 1', () => {
    const [first, second] = steps('s S');
    if (!first || !second) throw new Error('fixture');
    second.action = 'pagerduty.resolve-incident';
    second.plan = 'resolve incident Q2W3E4R5T6Y7U8';
    expect(revertOrder([first, second]).irreversible).toEqual([
      {
        index: 1,
        action: 'pagerduty.resolve-incident',
        plan: 'resolve incident Q2W3E4R5T6Y7U8',
        message:
          'Step 2 (pagerduty.resolve-incident) cannot be undone; it stays as done: resolve incident Q2W3E4R5T6Y7U8',
      },
    ]);
  });
});
