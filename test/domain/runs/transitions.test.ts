import { describe, expect, it } from 'vitest';
import {
  ACTIVE,
  assertTransition,
  canTransition,
  InvalidTransitionError,
  RUN_EVENTS,
  type RunEvent,
  RunState,
  SETTLED,
  TERMINAL,
  TRANSITIONS,
  transitionFor,
} from '../../../src/domain/runs/index.ts';

const STATES = RunState.options;

/** Every event with every value of its payload. */
const EVENTS: RunEvent[] = RUN_EVENTS.flatMap((type): RunEvent[] => {
  if (type === 'submit') return [true, false].map((needsApproval) => ({ type, needsApproval }));
  if (type === 'approve') return [true, false].map((satisfied) => ({ type, satisfied }));
  return [{ type }];
});

/** An event without a payload. */
const e = (type: Exclude<RunEvent['type'], 'submit' | 'approve'>): RunEvent => ({ type });

describe('domain/runs/transitions: events', () => {
  it.each<[RunState, RunEvent, RunState]>([
    ['planned', { type: 'submit', needsApproval: true }, 'awaiting_approval'],
    ['planned', { type: 'submit', needsApproval: false }, 'approved'],
    ['planned', e('cancel'), 'cancelled'],
    ['planned', e('expire'), 'expired'],
    ['awaiting_approval', { type: 'approve', satisfied: false }, 'awaiting_approval'],
    ['awaiting_approval', { type: 'approve', satisfied: true }, 'approved'],
    ['awaiting_approval', e('reject'), 'rejected'],
    ['awaiting_approval', e('expire'), 'expired'],
    ['awaiting_approval', e('cancel'), 'cancelled'],
    ['approved', e('start'), 'executing'],
    ['approved', e('cancel'), 'cancelled'],
    ['approved', e('expire'), 'expired'],
    ['executing', e('succeed'), 'succeeded'],
    ['executing', e('fail'), 'failed'],
    ['executing', e('revert_start'), 'reverting'],
    ['executing', e('interrupt'), 'interrupted'],
    ['succeeded', e('revert_start'), 'reverting'],
    ['failed', e('revert_start'), 'reverting'],
    ['reverting', e('revert_done'), 'reverted'],
    ['reverting', e('revert_failed'), 'failed'],
    ['reverting', e('interrupt'), 'interrupted'],
    ['interrupted', e('resume'), 'executing'],
    ['interrupted', e('revert'), 'reverting'],
    ['interrupted', e('fail'), 'failed'],
  ])('%s --%o--> %s', (from, event, to) => {
    expect(transitionFor(from, event)).toBe(to);
    expect(canTransition(from, to)).toBe(true);
    expect(() => assertTransition(from, to)).not.toThrow();
  });

  it.each<[RunState, RunEvent]>([
    ['planned', e('start')],
    ['planned', { type: 'approve', satisfied: true }],
    ['planned', e('reject')],
    ['awaiting_approval', e('start')],
    ['awaiting_approval', { type: 'submit', needsApproval: false }],
    ['approved', { type: 'approve', satisfied: true }],
    ['approved', e('reject')],
    ['executing', e('cancel')],
    ['executing', e('expire')],
    ['executing', e('start')],
    ['executing', e('resume')],
    ['succeeded', e('fail')],
    ['succeeded', e('start')],
    ['failed', e('succeed')],
    ['reverting', e('succeed')],
    ['reverting', e('revert_start')],
    ['interrupted', e('start')],
    ['interrupted', e('cancel')],
    ['reverted', e('revert_start')],
    ['rejected', { type: 'approve', satisfied: true }],
    ['expired', e('start')],
    ['cancelled', { type: 'submit', needsApproval: false }],
  ])('%s ignores %o', (from, event) => {
    expect(transitionFor(from, event)).toBeUndefined();
  });
});

describe('domain/runs/transitions: the table', () => {
  it('holds exactly the edges some event produces', () => {
    const fromEvents = new Set<string>();
    for (const from of STATES) {
      for (const event of EVENTS) {
        const to = transitionFor(from, event);
        if (to !== undefined) fromEvents.add(`${from}→${to}`);
      }
    }
    const fromTable = new Set(
      STATES.flatMap((from) => TRANSITIONS[from].map((to) => `${from}→${to}`)),
    );
    expect(fromEvents).toEqual(fromTable);
  });

  it('splits the states into active (holding the lock), settled and terminal', () => {
    expect([...ACTIVE].sort()).toEqual(
      ['approved', 'awaiting_approval', 'executing', 'interrupted', 'planned', 'reverting'].sort(),
    );
    expect([...SETTLED].sort()).toEqual(['failed', 'succeeded']);
    expect([...TERMINAL].sort()).toEqual(['cancelled', 'expired', 'rejected', 'reverted']);
    for (const state of STATES) {
      const groups = [ACTIVE, SETTLED, TERMINAL].filter((set) => set.has(state));
      expect(groups, state).toHaveLength(1);
      expect(TRANSITIONS[state].length === 0, state).toBe(TERMINAL.has(state));
    }
  });

  it.each<[RunState, RunState]>([
    ['planned', 'executing'],
    ['awaiting_approval', 'executing'],
    ['succeeded', 'failed'],
    ['reverted', 'reverting'],
    ['cancelled', 'planned'],
    ['executing', 'executing'],
  ])('refuses %s → %s with an error naming both states', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
    let error: unknown;
    try {
      assertTransition(from, to);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidTransitionError);
    expect(error).toMatchObject({ from, to, message: `a run cannot go from ${from} to ${to}` });
  });
});
