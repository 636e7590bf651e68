import type { Counter, Histogram } from 'prom-client';
import type { MetricFactory } from './metric-factory.ts';

/** Triage's own metrics, registered beside the bot's on the same registry. */
export interface TriageMetrics {
  /** MTTA: first signal → acknowledged, by whether the ack came through a bot button. */
  ackSeconds: Histogram<'via_bot'>;
  /** Incident changes applied from signals (opened, updated, resolved, closed). */
  incidentChanges: Counter<'change'>;
  /** Slack calls made for triage messages, by method and outcome (ok, rate_limited, error). */
  slackCalls: Counter<'method' | 'outcome'>;
}

const ACK_BUCKETS = [5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];

/** Defines the triage metrics through `define` (once per registry: createMetrics does it). */
export function triageMetrics(define: MetricFactory): TriageMetrics {
  return {
    ackSeconds: define.histogram({
      name: 'mc_incident_ack_seconds',
      help: 'Time from an incident first signal to its acknowledgement (via_bot: through a mc button).',
      labelNames: ['via_bot'],
      buckets: ACK_BUCKETS,
    }),
    incidentChanges: define.counter({
      name: 'mc_incident_changes_total',
      help: 'Incident changes applied from signals, by change (opened, updated, resolved, closed).',
      labelNames: ['change'],
    }),
    slackCalls: define.counter({
      name: 'mc_triage_slack_calls_total',
      help: 'Slack calls for triage messages, by method and outcome (ok, rate_limited, error).',
      labelNames: ['method', 'outcome'],
    }),
  };
}
