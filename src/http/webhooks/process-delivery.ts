import { parseAlertmanagerWebhook } from '../../adapters/alertmanager/parse-webhook.ts';
import { parsePagerDutyWebhook } from '../../adapters/pagerduty/verify-webhook.ts';
import type { Inbox, InboxItem } from '../../store/inbox.ts';
import type { Logger } from '../../telemetry/logger.ts';
import type { Metrics } from '../../telemetry/metrics.ts';
import type { DeliveryMeta, WebhookConsumer } from './consumer.ts';

/** What processing one claimed delivery needs. */
export interface ProcessDeps {
  inbox: Pick<Inbox, 'markDone' | 'markFailed'>;
  consumer: WebhookConsumer;
  log: Logger;
  metrics: Metrics;
  handlerTimeoutMs: number;
}

type Dispatch = { ok: true; run: () => Promise<void> } | { ok: false; problem: string };

// The stored payload is parsed again: the worker may run a newer version than the route did.
function dispatch(consumer: WebhookConsumer, item: InboxItem, meta: DeliveryMeta): Dispatch {
  const text = JSON.stringify(item.payload);
  if (item.source === 'alertmanager') {
    const parsed = parseAlertmanagerWebhook(text);
    if (!parsed.ok) return { ok: false, problem: parsed.problems.join('; ') };
    return { ok: true, run: () => consumer.alertmanager(parsed.webhook, meta) };
  }
  const parsed = parsePagerDutyWebhook(text);
  if (!parsed.ok) return { ok: false, problem: parsed.error };
  return { ok: true, run: () => consumer.pagerduty(parsed.event, meta) };
}

/**
 * Hands one claimed delivery to the consumer and records the result: done, a retry, or failed
 * for good. Never throws: a failure is logged, counted and left in the inbox.
 */
export async function processDelivery(deps: ProcessDeps, item: InboxItem): Promise<void> {
  const { inbox, log, metrics } = deps;
  const { source } = item;
  const meta: DeliveryMeta = {
    inboxId: item.id,
    deliveryId: item.deliveryId,
    receivedAt: item.receivedAt,
    attempt: item.attempt,
  };
  const context = { source, ...meta };
  if (item.reclaimed) {
    log.warn(context, 'webhook delivery reclaimed: its previous worker never finished it');
  }
  try {
    const job = dispatch(deps.consumer, item, meta);
    if (!job.ok) {
      // A stored payload that does not parse now never will: fail it without retries.
      const error = `stored payload invalid: ${job.problem}`;
      await inbox.markFailed(item.id, item.attempt, error, { permanent: true });
      metrics.webhookInboxProcessed.inc({ source, outcome: 'failed' });
      log.error(
        { ...context, problem: job.problem },
        'webhook delivery failed: stored payload invalid',
      );
      return;
    }
    await withTimeout(job.run(), deps.handlerTimeoutMs);
    const done = await inbox.markDone(item.id, item.attempt);
    metrics.webhookInboxProcessed.inc({ source, outcome: done ? 'done' : 'lost' });
    if (!done) {
      log.warn(context, 'webhook delivery processed, but its claim had been taken over');
      return;
    }
    const lagSeconds = (Date.now() - item.receivedAt.getTime()) / 1000;
    metrics.webhookInboxLagSeconds.observe({ source }, lagSeconds);
    log.debug(context, 'webhook delivery processed');
  } catch (error) {
    await recordFailure(deps, item, context, error);
  }
}

async function recordFailure(
  deps: ProcessDeps,
  item: InboxItem,
  context: Record<string, unknown>,
  error: unknown,
): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  try {
    const verdict = await deps.inbox.markFailed(item.id, item.attempt, message);
    deps.metrics.webhookInboxProcessed.inc({ source: item.source, outcome: verdict });
    if (verdict === 'failed')
      deps.log.error({ ...context, err: error }, 'webhook delivery failed for good');
    else deps.log.warn({ ...context, err: error, verdict }, 'webhook delivery failed; will retry');
  } catch (storeError) {
    // Still claimed: another attempt comes once the claim times out.
    deps.log.error(
      { ...context, err: error, storeError },
      'webhook delivery failed and could not be marked',
    );
  }
}

async function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`consumer did not finish within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
