import type { Catalog } from '../config/schema.ts';
import { alertmanagerSignals } from '../domain/triage/normalize-alertmanager.ts';
import { pagerdutySignal } from '../domain/triage/normalize-pagerduty.ts';
import type { WebhookConsumer } from '../http/webhooks/consumer.ts';
import type { TriageService } from './triage-service.ts';

/**
 * The inbox worker's consumer: each delivery normalized to signals and ingested; deliveries
 * claimed together are ingested in one pass (one transaction and one ranking per service,
 * instead of one per delivery), which is what keeps up with a storm. Idempotent,
 * as at-least-once delivery needs: a redelivered alert or event changes nothing the second
 * time. A throw (the database is down) leaves the delivery for a retry.
 */
export function createTriageConsumer(deps: {
  service: Pick<TriageService, 'ingest'>;
  catalog: Catalog;
}): WebhookConsumer {
  return {
    async alertmanager(webhook, meta) {
      const signals = alertmanagerSignals(webhook, deps.catalog);
      if (signals.length === 0) return;
      await deps.service.ingest(signals, { via: `alertmanager ${meta.inboxId}` });
    },
    async batch(deliveries) {
      const signals = deliveries.flatMap((d) => {
        if (d.source === 'alertmanager') return alertmanagerSignals(d.webhook, deps.catalog);
        return pagerdutySignal(d.event, deps.catalog) ?? [];
      });
      if (signals.length === 0) return;
      const ids = deliveries.map((d) => d.meta.inboxId);
      await deps.service.ingest(signals, { via: `inbox ${ids[0]}…${ids.at(-1)} (${ids.length})` });
    },
    async pagerduty(event, meta) {
      // Notes (incident.annotated) and non-incident events give no signal: nothing to triage.
      const signal = pagerdutySignal(event, deps.catalog);
      if (!signal) return;
      await deps.service.ingest([signal], { via: `pagerduty ${meta.inboxId}` });
    },
  };
}
