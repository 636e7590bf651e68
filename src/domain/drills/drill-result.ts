/**
 * The contract between drills and the release gate: every finished drill appends one ledger
 * entry of this kind, subject `drill:<service>:<env>`, with a DrillResult as its data. The
 * gate's `drill-fresh` check reads them back (src/drills/drill-results.ts).
 */
export const DRILL_FINISHED = 'drill.finished';

/** How a drill ended. Only `passed` makes a gate's `drill-fresh` check pass. */
export type DrillOutcome = 'passed' | 'failed' | 'aborted' | 'restore-failed';

export interface DrillResult {
  drillId: string;
  /** The drill playbook id: pod-kill, dependency-outage, rollback-rehearsal, kill-switch. */
  scenario: string;
  service: string;
  env: string;
  outcome: DrillOutcome;
  /** ISO-8601. */
  startedAt: string;
  finishedAt: string;
  /** Fault injected → recovered, measured; null when it never recovered. */
  recoverySeconds: number | null;
  /** The scenario's recovery-time objective. */
  rtoSeconds: number;
  requestedBy: string;
  /** The signed evidence bundle's page. */
  evidenceUrl?: string;
}

export function drillSubject(service: string, env: string): string {
  return `drill:${service}:${env}`;
}
