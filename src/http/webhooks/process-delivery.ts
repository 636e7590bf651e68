import { parseAlertmanagerWebhook } from '../../adapters/alertmanager/parse-webhook.ts';
import { parsePagerDutyWebhook } from '../../adapters/pagerduty/verify-webhook.ts';
import type { Inbox, InboxItem } from '../../store/inbox.ts';
import type { Logger } from '../../telemetry/logger.ts';
import type { Metrics } from '../../telemetry/metrics.ts';
import type { Delivery, DeliveryMeta, WebhookConsumer } from './consumer.ts';

/** What processing claimed deliveries needs. */
export interface ProcessDeps {
  inbox: Pick<Inbox, 'markDone' | 'markFailed'> & Partial<Pick<Inbox, 'markDoneMany'>>;
  consumer: WebhookConsumer;
  log: Logger;
  metrics: Metrics;
  handlerTimeoutMs: number;
}

/** Deliveries parsed between two turns of the event loop. */
const YIELD_EVERY = 20;

type Parsed = { ok: true; delivery: Delivery } | { ok: false; problem: string };

const metaOf = (item: InboxItem): DeliveryMeta => ({
  inboxId: item.id,
  deliveryId: item.deliveryId,
  receivedAt: item.receivedAt,
  attempt: item.attempt,
});
const contextOf = (item: InboxItem) => ({ source: item.source, ...metaOf(item) });

// The stored payload is parsed again: the worker may run a newer version than the route did.
function parse(item: InboxItem): Parsed {
  const text = JSON.stringify(item.payload);
  const meta = metaOf(item);
  if (item.source === 'alertmanager') {
    const parsed = parseAlertmanagerWebhook(text);
    if (!parsed.ok) return { ok: false, problem: parsed.problems.join('; ') };
    return { ok: true, delivery: { source: 'alertmanager', webhook: parsed.webhook, meta } };
  }
  const parsed = parsePagerDutyWebhook(text);
  if (!parsed.ok) return { ok: false, problem: parsed.error };
  return { ok: true, delivery: { source: 'pagerduty', event: parsed.event, meta } };
}

function handOver(consumer: WebhookConsumer, delivery: Delivery): Promise<void> {
  return delivery.source === 'alertmanager'
    ? consumer.alertmanager(delivery.webhook, delivery.meta)
    : consumer.pagerduty(delivery.event, delivery.meta);
}

/** Parses a claimed delivery; one that no longer parses is failed for good (never retried). */
async function parseOrFail(deps: ProcessDeps, item: InboxItem): Promise<Delivery | undefined> {
  if (item.reclaimed) {
    deps.log.warn(
      contextOf(item),
      'webhook delivery reclaimed: its previous worker never finished it',
    );
  }
  const parsed = parse(item);
  if (parsed.ok) return parsed.delivery;
  const error = `stored payload invalid: ${parsed.problem}`;
  await deps.inbox.markFailed(item.id, item.attempt, error, { permanent: true });
  deps.metrics.webhookInboxProcessed.inc({ source: item.source, outcome: 'failed' });
  deps.log.error(
    { ...contextOf(item), problem: parsed.problem },
    'webhook delivery failed: stored payload invalid',
  );
  return undefined;
}

/** Counts a delivery that was handed over; `done` false: its claim had been taken over. */
function recordDone(deps: ProcessDeps, item: InboxItem, done: boolean): void {
  const { source } = item;
  deps.metrics.webhookInboxProcessed.inc({ source, outcome: done ? 'done' : 'lost' });
  if (!done) {
    deps.log.warn(contextOf(item), 'webhook delivery processed, but its claim had been taken over');
    return;
  }
  const lagSeconds = (Date.now() - item.receivedAt.getTime()) / 1000;
  deps.metrics.webhookInboxLagSeconds.observe({ source }, lagSeconds);
  deps.log.debug(contextOf(item), 'webhook delivery processed');
}

/** Hands one parsed delivery over alone and records the result. Never throws. */
async function runAlone(deps: ProcessDeps, item: InboxItem, delivery: Delivery): Promise<void> {
  try {
    await withTimeout(handOver(deps.consumer, delivery), deps.handlerTimeoutMs);
    recordDone(deps, item, await deps.inbox.markDone(item.id, item.attempt));
  } catch (error) {
    await recordFailure(deps, item, contextOf(item), error);
  }
}

/**
 * Hands one claimed delivery to the consumer and records the result: done, a retry, or failed
 * for good. Never throws: a failure is logged, counted and left in the inbox.
 */
export async function processDelivery(deps: ProcessDeps, item: InboxItem): Promise<void> {
  let delivery: Delivery | undefined;
  try {
    delivery = await parseOrFail(deps, item);
  } catch (error) {
    await recordFailure(deps, item, contextOf(item), error);
    return;
  }
  if (delivery) await runAlone(deps, item, delivery);
}

/**
 * Hands claimed deliveries to the consumer's `batch` in one call and marks them done in one
 * statement. If the batch throws, each delivery is handed over again alone, so each gets its
 * own outcome (done, retry, failed). Without `batch`, or for one delivery, one at a time.
 * Never throws.
 */
export async function processBatch(deps: ProcessDeps, items: InboxItem[]): Promise<void> {
  const { consumer, inbox, log } = deps;
  const markDoneMany = inbox.markDoneMany?.bind(inbox);
  if (!consumer.batch || !markDoneMany || items.length < 2) {
    for (const item of items) await processDelivery(deps, item);
    return;
  }
  const parsed: { item: InboxItem; delivery: Delivery }[] = [];
  for (const [n, item] of items.entries()) {
    // Parsing hundreds of stored bodies is CPU work: let waiting requests in every few.
    if (n % YIELD_EVERY === YIELD_EVERY - 1) await new Promise(setImmediate);
    try {
      const delivery = await parseOrFail(deps, item);
      if (delivery) parsed.push({ item, delivery });
    } catch (error) {
      await recordFailure(deps, item, contextOf(item), error);
    }
  }
  if (parsed.length === 0) return;
  try {
    await withTimeout(consumer.batch(parsed.map((p) => p.delivery)), deps.handlerTimeoutMs);
  } catch (error) {
    log.warn(
      { err: error, deliveries: parsed.length, first: parsed[0]?.item.id },
      'webhook batch failed; handing each delivery over alone',
    );
    for (const { item, delivery } of parsed) await runAlone(deps, item, delivery);
    return;
  }
  let done: Set<string>;
  try {
    done = await markDoneMany(parsed.map(({ item }) => ({ id: item.id, attempt: item.attempt })));
  } catch (error) {
    // Still claimed: the claims time out and the deliveries run again (idempotent).
    log.error(
      { err: error, deliveries: parsed.length, first: parsed[0]?.item.id },
      'webhook deliveries processed but could not be marked done',
    );
    return;
  }
  for (const { item } of parsed) recordDone(deps, item, done.has(String(item.id)));
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
