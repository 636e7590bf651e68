export type { IrreversibleStep, RevertPlan } from './revert-order.ts';
export { revertOrder } from './revert-order.ts';
export { Run, RunState, RunStep, RunStepState, RunTarget } from './schema.ts';
export type { RunEvent, RunEventType } from './transition-for.ts';
export { RUN_EVENTS, transitionFor } from './transition-for.ts';
export {
  ACTIVE,
  assertTransition,
  canTransition,
  InvalidTransitionError,
  SETTLED,
  TERMINAL,
  TRANSITIONS,
} from './transitions.ts';
