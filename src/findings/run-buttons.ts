import { orList } from '../domain/policy/format.ts';
import type { RunStep } from '../domain/runs/index.ts';
import { revertOrder } from '../domain/runs/index.ts';
import type { RunView } from '../runs/types.ts';
import { encodeRunButton, RUN_ACTIONS } from './run-actions.ts';
import type { ButtonConfirm, FindingButton } from './types.ts';
import { verificationButtons } from './verification-buttons.ts';

/** A dialog before starting a run with steps that cannot be undone. */
function irreversibleConfirm(steps: readonly RunStep[]): ButtonConfirm | undefined {
  const oneWay = steps.filter((step) => !step.reversible);
  if (oneWay.length === 0) return undefined;
  const which = oneWay.map((step) => `step ${step.index + 1} (${step.action})`).join(', ');
  return {
    title: 'This cannot be undone',
    text: `${which[0]?.toUpperCase()}${which.slice(1)} cannot be reverted once it ran: Revert will not bring it back. Go ahead?`,
    confirm: 'Yes, run it',
    deny: 'Not yet',
  };
}

/** The dialog before Revert: what it undoes and what the new run will need. */
function revertConfirm(view: RunView): ButtonConfirm {
  const { run, requirements } = view;
  const { count, roles } = requirements.approvals;
  const then =
    count > 0
      ? `The revert is a new run: it needs ${count} approval${count === 1 ? '' : 's'} from ${orList(roles)} before anything changes.`
      : 'The revert starts as soon as you click.';
  return {
    title: `Revert run ${run.id}?`,
    text: `Undo ${run.verb} of ${run.target.service} in ${run.target.env}, restoring what it changed. ${then}`,
    confirm: 'Revert',
    deny: 'Keep it',
  };
}

/** Whether undoing the run would change anything (some reversible step touched the target). */
function hasSomethingToRevert(view: RunView): boolean {
  return revertOrder(view.run.steps).revert.length > 0;
}

/**
 * The buttons a run offers now, by state: Confirm/Cancel while the requester must confirm,
 * Approve/Reject/Cancel while it waits for approvers, Revert within the revert window after
 * it finished, Resume/Revert when its owner died. Every value is the run id and plan hash.
 */
export function runButtons(view: RunView, now: Date): FindingButton[] {
  const { run } = view;
  const value = encodeRunButton({ runId: run.id, planHash: run.planHash });
  const button = (
    name: keyof typeof RUN_ACTIONS,
    text: string,
    extra: Partial<FindingButton> = {},
  ): FindingButton => ({ actionId: RUN_ACTIONS[name], text, value, ...extra });
  const withConfirm = (confirm: ButtonConfirm | undefined) => (confirm ? { confirm } : {});
  const oneWay = irreversibleConfirm(run.steps);

  if (view.waitingFor === 'confirm') {
    return [
      button('confirm', 'Confirm', { style: 'primary', ...withConfirm(oneWay) }),
      button('cancel', 'Cancel'),
    ];
  }
  if (view.waitingFor === 'approval') {
    return [
      button('approve', 'Approve', { style: 'primary', ...withConfirm(oneWay) }),
      button('reject', 'Reject', { style: 'danger' }),
      button('cancel', 'Cancel'),
    ];
  }
  if (view.pause) return verificationButtons(view);
  if (run.state === 'interrupted') {
    const reverting = view.interruptedFrom === 'reverting';
    const buttons = [
      button('resume', reverting ? 'Continue revert' : 'Resume', { style: 'primary' }),
    ];
    if (!reverting && !run.revertOf && hasSomethingToRevert(view)) {
      buttons.push(button('revert', 'Revert', { style: 'danger', confirm: revertConfirm(view) }));
    }
    return buttons;
  }
  const open = view.revertUntil !== undefined && view.revertUntil.getTime() > now.getTime();
  if ((run.state === 'succeeded' || run.state === 'failed') && open && hasSomethingToRevert(view)) {
    return [button('revert', 'Revert', { confirm: revertConfirm(view) })];
  }
  return [];
}
