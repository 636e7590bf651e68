import type { DoraChange, DoraIncident } from './schema.ts';

/** The half-open interval [since, until) a figure covers, as ISO times. */
export interface DoraWindow {
  since: string;
  until: string;
}

/** Median and p90 of a distribution, with how many values it has; nulls when n is 0. */
export interface DoraDistribution {
  medianSeconds: number | null;
  p90Seconds: number | null;
  n: number;
}

/** The four keys over one window. */
export interface DoraMetrics {
  window: DoraWindow;
  deploymentFrequency: { perDay: number; perWeek: number; count: number };
  leadTime: DoraDistribution;
  /** ratio is failed / total, null when there was no deployment. */
  changeFailureRate: { ratio: number | null; failed: number; total: number };
  timeToRestore: DoraDistribution;
}

/** The figures of one service in one environment. */
export interface DoraGroupMetrics extends DoraMetrics {
  service: string;
  env: string;
}

/** What `mc dora --format json` prints and `/mc dora` shows. */
export interface DoraReport {
  window: DoraWindow;
  attributionWindowSeconds: number;
  overall: DoraMetrics;
  services: DoraGroupMetrics[];
}

/** Why a deployment counts as a change failure. */
export type FailureReason = 'auto-rollback' | 'rollback' | 'revert' | 'incident';

/** Every change and incident a report counted, for the evidence page. */
export interface DoraEvidence {
  deployments: DoraChange[];
  failures: {
    change: DoraChange;
    reasons: FailureReason[];
    causes: (DoraChange | DoraIncident)[];
  }[];
  incidents: DoraIncident[];
}
