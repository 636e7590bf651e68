/** The action ids of triage buttons; the Slack edge dispatches clicks by these. */
export const TRIAGE_ACTIONS = {
  run: 'triage.run',
  dryRun: 'triage.dry_run',
  others: 'triage.others',
  dismiss: 'triage.dismiss',
} as const;

export type TriageActionName = keyof typeof TRIAGE_ACTIONS;
export type TriageActionId = (typeof TRIAGE_ACTIONS)[TriageActionName];

/** What a triage button carries: the incident and the playbook it was shown for, never params. */
export interface TriageButtonValue {
  incidentId: string;
  playbook?: string;
}

/** `inc-12:pod-crashloop` (or `inc-12` when no playbook is concerned). */
export function encodeTriageButton(value: TriageButtonValue): string {
  return value.playbook ? `${value.incidentId}:${value.playbook}` : value.incidentId;
}

/** Reads a button value back; undefined when it is not one of ours (or was tampered with). */
export function decodeTriageButton(raw: string | undefined): TriageButtonValue | undefined {
  const match = /^(inc-[0-9]{1,18})(?::([a-z0-9]+(?:-[a-z0-9]+)*))?$/.exec(raw ?? '');
  if (!match?.[1]) return undefined;
  return match[2] ? { incidentId: match[1], playbook: match[2] } : { incidentId: match[1] };
}
