import { type Counter, collectDefaultMetrics, type Histogram, Registry } from 'prom-client';
import { type MetricFactory, metricFactory } from './metric-factory.ts';
import { type TriageMetrics, triageMetrics } from './triage-metrics.ts';

/** The bot's metrics, on a registry of its own so tests and several apps never collide. */
export interface Metrics {
  registry: Registry;
  /** Defines a further metric on this registry (a feature's own, e.g. DORA); refuses a name twice. */
  define: MetricFactory;
  commandsTotal: Counter<'verb' | 'outcome'>;
  slackAckSeconds: Histogram<'kind'>;
  slackRetriesDropped: Counter;
  httpRequestsRejected: Counter<'route' | 'reason'>;
  /** Webhook requests by source and outcome (accepted, duplicate, ignored, unauthorized, ...). */
  webhooksTotal: Counter<'source' | 'outcome'>;
  webhookSeconds: Histogram<'source'>;
  /** Inbox deliveries handed to the consumer, by outcome (done, retry, failed, lost). */
  webhookInboxProcessed: Counter<'source' | 'outcome'>;
  webhookInboxLagSeconds: Histogram<'source'>;
  /** Failed Slack calls made for run messages, by method. */
  runMessageErrors: Counter<'method'>;
  triage: TriageMetrics;
}

/** Builds a fresh registry with default process metrics and the bot's own. */
export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const define = metricFactory(registry);
  return {
    registry,
    define,
    commandsTotal: define.counter({
      name: 'mc_commands_total',
      help: 'Slash commands received, by verb and outcome (ok, invalid, denied, error).',
      labelNames: ['verb', 'outcome'],
    }),
    slackAckSeconds: define.histogram({
      name: 'mc_slack_ack_seconds',
      help: 'Time from receiving a Slack request to acknowledging it.',
      labelNames: ['kind'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    }),
    slackRetriesDropped: define.counter({
      name: 'mc_slack_retries_dropped_total',
      help: 'Slack retries acknowledged without running the command again.',
    }),
    httpRequestsRejected: define.counter({
      name: 'mc_http_requests_rejected_total',
      help: 'HTTP requests refused before reaching a handler, by route and reason.',
      labelNames: ['route', 'reason'],
    }),
    webhooksTotal: define.counter({
      name: 'mc_webhooks_total',
      help: 'Webhook requests (Alertmanager, PagerDuty) by source and outcome.',
      labelNames: ['source', 'outcome'],
    }),
    webhookSeconds: define.histogram({
      name: 'mc_webhook_seconds',
      help: 'Time from receiving a webhook request to answering it (stored in the inbox first).',
      labelNames: ['source'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    }),
    webhookInboxProcessed: define.counter({
      name: 'mc_webhook_inbox_processed_total',
      help: 'Stored webhook deliveries processed, by source and outcome (done, retry, failed, lost).',
      labelNames: ['source', 'outcome'],
    }),
    webhookInboxLagSeconds: define.histogram({
      name: 'mc_webhook_inbox_lag_seconds',
      help: 'Time from storing a webhook delivery to its successful processing.',
      labelNames: ['source'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    }),
    runMessageErrors: define.counter({
      name: 'mc_run_message_errors_total',
      help: 'Slack Web API calls for run messages (post, update, thread reply, ephemeral) that failed.',
      labelNames: ['method'],
    }),
    triage: triageMetrics(define),
  };
}
