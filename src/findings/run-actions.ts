/** The action ids of run buttons; the Slack edge dispatches clicks by these. */
export const RUN_ACTIONS = {
  confirm: 'run.confirm',
  cancel: 'run.cancel',
  approve: 'run.approve',
  reject: 'run.reject',
  revert: 'run.revert',
  resume: 'run.resume',
} as const;

export type RunActionName = keyof typeof RUN_ACTIONS;
export type RunActionId = (typeof RUN_ACTIONS)[RunActionName];

/** What a run button carries: which run, and the plan hash it was shown for. */
export interface RunButtonValue {
  runId: string;
  planHash: string;
}

/** `r_abc123:<sha256>`: the button value, never the run's parameters. */
export function encodeRunButton(value: RunButtonValue): string {
  return `${value.runId}:${value.planHash}`;
}

/** Reads a button value back; undefined when it is not one of ours (or was tampered with). */
export function decodeRunButton(raw: string | undefined): RunButtonValue | undefined {
  const match = /^([A-Za-z0-9_-]{1,64}):([a-f0-9]{64})$/.exec(raw ?? '');
  if (!match?.[1] || !match[2]) return undefined;
  return { runId: match[1], planHash: match[2] };
}
