export type { PlanPreview } from './plan-finding.ts';
export { planFinding } from './plan-finding.ts';
export type { RunActionId, RunActionName, RunButtonValue } from './run-actions.ts';
export { decodeRunButton, encodeRunButton, RUN_ACTIONS } from './run-actions.ts';
export { runButtons } from './run-buttons.ts';
export type { RunFindingOptions } from './run-finding.ts';
export { runFinding } from './run-finding.ts';
export type { RunOutcome } from './run-outcome.ts';
export { runOutcome } from './run-outcome.ts';
export { runStatus, runTitle } from './run-status.ts';
export type {
  ButtonConfirm,
  Finding,
  FindingButton,
  FindingField,
  FindingStep,
  Inline,
  Line,
} from './types.ts';
