import type { AlertmanagerWebhook } from '../../adapters/alertmanager/schema.ts';
import type { PagerDutyWebhookEvent } from '../../adapters/pagerduty/schema.ts';

/** Where a delivery came from in the inbox, for logs, correlation and idempotence. */
export interface DeliveryMeta {
  /** Row id in `webhook_inbox`; also in the 202 answer to the sender. */
  inboxId: string;
  /** X-Webhook-Id (PagerDuty) or the body's hash (Alertmanager). */
  deliveryId: string;
  receivedAt: Date;
  /** 1 on the first try; a consumer may see a delivery again after a failure or a crash. */
  attempt: number;
}

/** A stored delivery parsed again, as the worker hands it over. */
export type Delivery =
  | { source: 'alertmanager'; webhook: AlertmanagerWebhook; meta: DeliveryMeta }
  | { source: 'pagerduty'; event: PagerDutyWebhookEvent; meta: DeliveryMeta };

/**
 * What the inbox worker hands accepted deliveries to (the triage capability; features/triage-feature.ts mounts it).
 * A throw marks the delivery for a retry; delivery is at least once, so be idempotent.
 */
export interface WebhookConsumer {
  alertmanager(webhook: AlertmanagerWebhook, meta: DeliveryMeta): Promise<void>;
  pagerduty(event: PagerDutyWebhookEvent, meta: DeliveryMeta): Promise<void>;
  /**
   * Several deliveries claimed together, in arrival order, handled in one pass (a storm then
   * costs one pass per batch, not one per delivery). A throw hands each delivery over again
   * alone, so that one bad delivery fails alone; the batch must therefore be idempotent too.
   */
  batch?(deliveries: Delivery[]): Promise<void>;
}

/** PagerDuty V3 event types the bot stores and processes; others are answered 2xx and dropped. */
export const HANDLED_PAGERDUTY_EVENTS: readonly string[] = [
  'incident.triggered',
  'incident.acknowledged',
  'incident.resolved',
  'incident.annotated',
];
