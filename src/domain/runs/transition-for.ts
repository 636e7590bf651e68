import type { RunState } from './schema.ts';

export const RUN_EVENTS = [
  'submit',
  'approve',
  'reject',
  'expire',
  'cancel',
  'start',
  'succeed',
  'fail',
  'revert_start',
  'revert_done',
  'revert_failed',
  'interrupt',
  'resume',
  'revert',
] as const;
export type RunEventType = (typeof RUN_EVENTS)[number];

/**
 * What happens to a run. `submit` says whether the policy needs approvals; `approve` whether
 * the tally (approvals included) is now satisfied.
 */
export type RunEvent =
  | { type: 'submit'; needsApproval: boolean }
  | { type: 'approve'; satisfied: boolean }
  | { type: Exclude<RunEventType, 'submit' | 'approve'> };

const PRE_EXECUTION: readonly RunState[] = ['planned', 'awaiting_approval', 'approved'];

/**
 * The state an event leads to, or undefined when the event does not apply in this state.
 * A run interrupted while reverting continues with `revert`, not `resume`.
 */
export function transitionFor(state: RunState, event: RunEvent): RunState | undefined {
  switch (event.type) {
    case 'submit':
      if (state !== 'planned') return undefined;
      return event.needsApproval ? 'awaiting_approval' : 'approved';
    case 'approve':
      if (state !== 'awaiting_approval') return undefined;
      return event.satisfied ? 'approved' : 'awaiting_approval';
    case 'reject':
      return state === 'awaiting_approval' ? 'rejected' : undefined;
    case 'expire':
      return PRE_EXECUTION.includes(state) ? 'expired' : undefined;
    case 'cancel':
      return PRE_EXECUTION.includes(state) ? 'cancelled' : undefined;
    case 'start':
      return state === 'approved' ? 'executing' : undefined;
    case 'succeed':
      return state === 'executing' ? 'succeeded' : undefined;
    case 'fail':
      // From interrupted: someone gives up on a run cut off mid-way, without reverting it.
      return state === 'executing' || state === 'interrupted' ? 'failed' : undefined;
    case 'revert_start':
      return state === 'executing' || state === 'succeeded' || state === 'failed'
        ? 'reverting'
        : undefined;
    case 'revert_done':
      return state === 'reverting' ? 'reverted' : undefined;
    case 'revert_failed':
      return state === 'reverting' ? 'failed' : undefined;
    case 'interrupt':
      return state === 'executing' || state === 'reverting' ? 'interrupted' : undefined;
    case 'resume':
      return state === 'interrupted' ? 'executing' : undefined;
    case 'revert':
      return state === 'interrupted' ? 'reverting' : undefined;
  }
}
