import type { RunView } from '../runs/types.ts';
import { encodeRunButton } from './run-actions.ts';
import type { FindingButton } from './types.ts';

/** Action ids of the buttons a paused verification window offers its requester. */
export const VERIFY_ACTIONS = {
  continue: 'run.verify-continue',
  rollback: 'run.verify-rollback',
  promote: 'run.canary-promote',
  abort: 'run.canary-abort',
} as const;

export type VerifyActionName = keyof typeof VERIFY_ACTIONS;

/** Continue / Roll back while the run's verification is paused; none otherwise. */
export function verificationButtons(view: RunView): FindingButton[] {
  if (!view.pause || view.run.state !== 'executing') return [];
  const value = encodeRunButton({ runId: view.run.id, planHash: view.run.planHash });
  if (view.pause.kind === 'canary') return canaryButtons(view, value);
  return [
    { actionId: VERIFY_ACTIONS.continue, text: 'Continue', value, style: 'primary' },
    {
      actionId: VERIFY_ACTIONS.rollback,
      text: 'Roll back',
      value,
      style: 'danger',
      confirm: {
        title: 'Roll back?',
        text: `Undo ${view.run.verb} of ${view.run.target.service} in ${view.run.target.env} now, restoring what it changed.`,
        confirm: 'Roll back',
        deny: 'Not yet',
      },
    },
  ];
}

/** Promote / Abort while an Argo canary runs: each runs argo.promote / argo.abort, policy-checked. */
function canaryButtons(view: RunView, value: string): FindingButton[] {
  const { service, env } = view.run.target;
  return [
    { actionId: VERIFY_ACTIONS.promote, text: 'Promote', value, style: 'primary' },
    {
      actionId: VERIFY_ACTIONS.abort,
      text: 'Abort',
      value,
      style: 'danger',
      confirm: {
        title: 'Abort the canary?',
        text: `Argo sends all of ${service} in ${env} back to the stable version; mc then restores its image.`,
        confirm: 'Abort',
        deny: 'Not yet',
      },
    },
  ];
}
