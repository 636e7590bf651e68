import { Counter, Histogram, type Registry } from 'prom-client';

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

/** The triage metrics on `registry`; asking twice for one registry gives the same metrics. */
export function triageMetrics(registry: Registry): TriageMetrics {
  const reuse = <T>(name: string, make: () => T): T =>
    (registry.getSingleMetric(name) as T | undefined) ?? make();
  return {
    ackSeconds: reuse(
      'mc_incident_ack_seconds',
      () =>
        new Histogram({
          name: 'mc_incident_ack_seconds',
          help: 'Time from an incident first signal to its acknowledgement (via_bot: through a mc button).',
          labelNames: ['via_bot'],
          buckets: ACK_BUCKETS,
          registers: [registry],
        }),
    ),
    incidentChanges: reuse(
      'mc_incident_changes_total',
      () =>
        new Counter({
          name: 'mc_incident_changes_total',
          help: 'Incident changes applied from signals, by change (opened, updated, resolved, closed).',
          labelNames: ['change'],
          registers: [registry],
        }),
    ),
    slackCalls: reuse(
      'mc_triage_slack_calls_total',
      () =>
        new Counter({
          name: 'mc_triage_slack_calls_total',
          help: 'Slack calls for triage messages, by method and outcome (ok, rate_limited, error).',
          labelNames: ['method', 'outcome'],
          registers: [registry],
        }),
    ),
  };
}
