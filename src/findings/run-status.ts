import type { RunView } from '../runs/types.ts';

/** The run's state in words, as the message headline says it. */
export function runStatus(view: Pick<RunView, 'run' | 'waitingFor' | 'interruptedFrom'>): string {
  const { state } = view.run;
  switch (state) {
    case 'planned':
      return view.waitingFor === 'confirm' ? 'waiting for confirmation' : 'planned';
    case 'awaiting_approval':
      return 'waiting for approval';
    case 'interrupted':
      return view.interruptedFrom === 'reverting'
        ? 'interrupted while reverting'
        : 'interrupted while executing';
    default:
      return state;
  }
}

/** `Rollback`: a verb as a title starts. */
export function titleVerb(verb: string): string {
  return `${verb.charAt(0).toUpperCase()}${verb.slice(1)}`;
}

/** "Rollback `checkout` in `prod`", or "Revert of run r_… (rollback `checkout` in `prod`)". */
export function runTitle(view: Pick<RunView, 'run'>): string {
  const { run } = view;
  const where = `\`${run.target.service}\` in \`${run.target.env}\``;
  return run.revertOf
    ? `Revert of run ${run.revertOf} (${run.verb} ${where})`
    : `${titleVerb(run.verb)} ${where}`;
}
