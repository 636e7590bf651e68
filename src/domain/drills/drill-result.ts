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
  /** The dependency taken away (dependency-outage). */
  dependency?: string;
  /** Each measured leg (rollback-rehearsal: back and forward; kill-switch: off and on). */
  legs?: DrillLeg[];
  /** What happened when, as measured: fault, samples that changed, recovery, restore. */
  timeline?: TimelineEntry[];
  /** The service's SLO queries sampled while the drill ran. */
  sloImpact?: SloImpact[];
  /** Why it failed or was aborted, in words. */
  note?: string;
}

/** One measured stretch of a drill: from a change to its observed effect. */
export interface DrillLeg {
  name: string;
  /** Null when the effect was never observed. */
  seconds: number | null;
  detail: string;
}

export interface TimelineEntry {
  /** ISO-8601. */
  at: string;
  event: string;
}

/** One SLO of the service over the drill: worst value seen and how long it was breached. */
export interface SloImpact {
  name: string;
  comparison: string;
  threshold: number;
  /** Worst sampled value; null when Prometheus never answered with a number. */
  worst: number | null;
  breached: boolean;
  breachSeconds: number;
  samples: number;
  /** Breached at the last sample (still recovering when the drill ended). */
  breachedNow?: boolean;
}

export function drillSubject(service: string, env: string): string {
  return `drill:${service}:${env}`;
}
