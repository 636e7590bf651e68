import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** The bot's metrics, on a registry of its own so tests and several apps never collide. */
export interface Metrics {
  registry: Registry;
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
}

/** Builds a fresh registry with default process metrics and the bot's own. */
export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  return {
    registry,
    commandsTotal: new Counter({
      name: 'mc_commands_total',
      help: 'Slash commands received, by verb and outcome (ok, invalid, denied, error).',
      labelNames: ['verb', 'outcome'],
      registers: [registry],
    }),
    slackAckSeconds: new Histogram({
      name: 'mc_slack_ack_seconds',
      help: 'Time from receiving a Slack request to acknowledging it.',
      labelNames: ['kind'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    slackRetriesDropped: new Counter({
      name: 'mc_slack_retries_dropped_total',
      help: 'Slack retries acknowledged without running the command again.',
      registers: [registry],
    }),
    httpRequestsRejected: new Counter({
      name: 'mc_http_requests_rejected_total',
      help: 'HTTP requests refused before reaching a handler, by route and reason.',
      labelNames: ['route', 'reason'],
      registers: [registry],
    }),
    webhooksTotal: new Counter({
      name: 'mc_webhooks_total',
      help: 'Webhook requests (Alertmanager, PagerDuty) by source and outcome.',
      labelNames: ['source', 'outcome'],
      registers: [registry],
    }),
    webhookSeconds: new Histogram({
      name: 'mc_webhook_seconds',
      help: 'Time from receiving a webhook request to answering it (stored in the inbox first).',
      labelNames: ['source'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    webhookInboxProcessed: new Counter({
      name: 'mc_webhook_inbox_processed_total',
      help: 'Stored webhook deliveries processed, by source and outcome (done, retry, failed, lost).',
      labelNames: ['source', 'outcome'],
      registers: [registry],
    }),
    webhookInboxLagSeconds: new Histogram({
      name: 'mc_webhook_inbox_lag_seconds',
      help: 'Time from storing a webhook delivery to its successful processing.',
      labelNames: ['source'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
  };
}
