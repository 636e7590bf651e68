import type { RunState } from './schema.ts';

/**
 * Legal state changes. `awaiting_approval → awaiting_approval` is an approval that does not
 * complete the tally. `succeeded` and `failed` may still be reverted (one click to undo);
 * `executing → reverting` lets the engine roll back a failed step without releasing the lock.
 */
export const TRANSITIONS: Readonly<Record<RunState, readonly RunState[]>> = {
  planned: ['awaiting_approval', 'approved', 'cancelled', 'expired'],
  awaiting_approval: ['awaiting_approval', 'approved', 'rejected', 'expired', 'cancelled'],
  approved: ['executing', 'cancelled', 'expired'],
  executing: ['succeeded', 'failed', 'reverting', 'interrupted'],
  succeeded: ['reverting'],
  failed: ['reverting'],
  reverting: ['reverted', 'failed', 'interrupted'],
  interrupted: ['executing', 'reverting', 'failed'],
  reverted: [],
  rejected: [],
  expired: [],
  cancelled: [],
};

/** States that accept no event at all. */
export const TERMINAL: ReadonlySet<RunState> = new Set([
  'reverted',
  'rejected',
  'expired',
  'cancelled',
]);

/** Finished work that no longer holds the target lock but may still be reverted. */
export const SETTLED: ReadonlySet<RunState> = new Set(['succeeded', 'failed']);

/** States that hold the target lock: at most one run per target may be in one of them. */
export const ACTIVE: ReadonlySet<RunState> = new Set([
  'planned',
  'awaiting_approval',
  'approved',
  'executing',
  'reverting',
  'interrupted',
]);

/** Whether a run may move from one state to another. */
export function canTransition(from: RunState, to: RunState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** A state change the state machine does not allow. */
export class InvalidTransitionError extends Error {
  override readonly name = 'InvalidTransitionError';
  constructor(
    readonly from: RunState,
    readonly to: RunState,
  ) {
    super(`a run cannot go from ${from} to ${to}`);
  }
}

/** Throws InvalidTransitionError unless `from → to` is legal. */
export function assertTransition(from: RunState, to: RunState): void {
  if (!canTransition(from, to)) throw new InvalidTransitionError(from, to);
}
