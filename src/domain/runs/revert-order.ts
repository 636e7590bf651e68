import type { RunStep } from './schema.ts';

/** A step that changed the target but cannot be undone: to be reported, not reverted. */
export interface IrreversibleStep {
  index: number;
  action: string;
  plan: string;
  message: string;
}

export interface RevertPlan {
  /** Step indexes to revert, last applied first. */
  revert: number[];
  /** Steps that changed the target and cannot be undone, in step order. */
  irreversible: IrreversibleStep[];
}

/**
 * Whether a step may have changed the target: it succeeded (or its revert failed, so a
 * retry is due), it failed after apply() captured `before`, or it was cut off while running
 * (a crash after the API took the change but before `before` was saved still changed it).
 */
function touched(step: RunStep): boolean {
  if (step.state === 'succeeded' || step.state === 'revert_failed') return true;
  if (step.state === 'running') return true;
  return step.state === 'failed' && step.before !== undefined;
}

/**
 * Which steps to revert after the step at `failedIndex` failed (omit it to undo a whole
 * run), in reverse order: those up to that index that touched the target and are
 * reversible. Steps already reverted, never run, or after the failure are left alone.
 */
export function revertOrder(steps: readonly RunStep[], failedIndex?: number): RevertPlan {
  const last = failedIndex ?? Number.POSITIVE_INFINITY;
  const candidates = steps.filter((step) => step.index <= last && touched(step));
  const irreversible = candidates
    .filter((step) => !step.reversible)
    .sort((a, b) => a.index - b.index)
    .map((step) => ({
      index: step.index,
      action: step.action,
      plan: step.plan,
      message: `Step ${step.index + 1} (${step.action}) cannot be undone; it stays as done: ${step.plan}`,
    }));
  const revert = candidates
    .filter((step) => step.reversible)
    .map((step) => step.index)
    .sort((a, b) => b - a);
  return { revert, irreversible };
}
