import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canTransition,
  RUN_EVENTS,
  type RunEvent,
  RunState,
  TERMINAL,
  transitionFor,
} from '../../../src/domain/runs/index.ts';

const arbEvent: fc.Arbitrary<RunEvent> = fc.oneof(
  fc.boolean().map((needsApproval): RunEvent => ({ type: 'submit', needsApproval })),
  fc.boolean().map((satisfied): RunEvent => ({ type: 'approve', satisfied })),
  fc
    .constantFrom(...RUN_EVENTS.filter((t) => t !== 'submit' && t !== 'approve'))
    .map((type) => ({ type }) as RunEvent),
);

const STATES = new Set<string>(RunState.options);

describe('domain/runs/state-machine (property)', () => {
  it('any sequence of events from planned stays within the states, along legal edges, approval first', () => {
    fc.assert(
      fc.property(fc.array(arbEvent, { maxLength: 40 }), (events) => {
        let state: RunState = 'planned';
        let approved = false;
        for (const event of events) {
          const next = transitionFor(state, event);
          if (TERMINAL.has(state)) expect(next).toBeUndefined();
          if (next === undefined) continue;
          expect(STATES.has(next)).toBe(true);
          expect(canTransition(state, next)).toBe(true);
          // Nothing executes, or is reverted, before the run was approved.
          if (next === 'executing' || next === 'reverting') expect(approved).toBe(true);
          if (next === 'approved') approved = true;
          state = next;
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('terminal states accept no event at all', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TERMINAL), arbEvent, (state, event) => {
        expect(transitionFor(state, event)).toBeUndefined();
      }),
    );
  });

  it('nothing leads back to planned, and execution starts only from approved or interrupted', () => {
    fc.assert(
      fc.property(fc.constantFrom(...RunState.options), arbEvent, (state, event) => {
        const next = transitionFor(state, event);
        expect(next).not.toBe('planned');
        if (next === 'executing') expect(['approved', 'interrupted']).toContain(state);
      }),
    );
  });
});
