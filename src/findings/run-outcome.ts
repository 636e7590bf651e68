import type { RunView } from '../runs/types.ts';
import { runTitle } from './run-status.ts';
import type { Line } from './types.ts';

/** The short reply in a run's thread when it reaches an outcome people must know about. */
export interface RunOutcome {
  /** Same key, same outcome: reply once. */
  key: string;
  summary: string;
  line: Line;
}

const OUTCOME_VERB: Record<string, string> = {
  succeeded: 'succeeded',
  failed: 'failed',
  reverted: 'was reverted',
  rejected: 'was rejected',
  expired: 'expired',
  cancelled: 'was cancelled',
  interrupted: 'was interrupted',
};

function detail(view: RunView): string {
  const { run } = view;
  switch (run.state) {
    case 'succeeded':
      if (run.revertOf) return `run ${run.revertOf} is undone.`;
      // Say what was verified: "no SLO window ran" is as much news as "3 intervals healthy".
      return view.verification
        ? `done; the cluster shows every step applied. ${view.verification.text}`
        : 'done; the cluster shows every step applied.';
    case 'failed':
      return run.error ?? 'a step failed.';
    case 'reverted':
      return run.error
        ? `${run.error}; what it changed was put back.`
        : 'what it changed was put back.';
    case 'expired':
      return 'nobody confirmed or approved it in time; nothing changed.';
    case 'interrupted':
      return 'mc stopped while it ran. Resume or Revert it with the buttons above.';
    default:
      return run.error ? `${run.error}; nothing changed.` : 'nothing changed.';
  }
}

/**
 * The outcome reply for a run that finished (or was interrupted), with its evidence link;
 * undefined while it is still waiting or working.
 */
export function runOutcome(view: RunView): RunOutcome | undefined {
  const { run } = view;
  const verb = OUTCOME_VERB[run.state];
  if (!verb) return undefined;
  const what = runTitle(view);
  const line: Line = [`Run ${run.id} (${what}) ${verb}: ${detail(view)}`];
  if (view.evidenceUrl) line.push(' ', { link: view.evidenceUrl, text: 'Evidence' });
  return {
    key: `${run.id}:${run.state}:${view.evidenceUrl ?? ''}`,
    summary: `Run ${run.id} ${verb}.`,
    line,
  };
}
