import type { Inbox } from '../../store/inbox.ts';
import type { Logger } from '../../telemetry/logger.ts';
import type { Metrics } from '../../telemetry/metrics.ts';
import type { WebhookConsumer } from './consumer.ts';
import { processBatch } from './process-delivery.ts';

export interface InboxWorkerOptions {
  inbox: Inbox;
  consumer: WebhookConsumer;
  log: Logger;
  metrics: Metrics;
  /** Deliveries claimed (and handed to the consumer's batch) per round trip. Default 500. */
  batchSize?: number;
  /**
   * After a delivery arrives, wait this long for more before claiming, unless a whole batch
   * arrived sooner: in a storm, deliveries are then handled hundreds at a time, one ranking
   * and one write per incident per batch, instead of one per delivery. Default 100 ms.
   */
  gatherMs?: number;
  /** Idle wait between polls; other processes' deliveries arrive this way. Default 1000 ms. */
  pollIntervalMs?: number;
  /** Longest wait after a store error (the wait doubles from pollIntervalMs). Default 30 s. */
  maxBackoffMs?: number;
  /** A consumer call slower than this fails its attempt. Default 30 s (keep under the claim timeout). */
  handlerTimeoutMs?: number;
  /** stop() waits this long for the delivery in hand; after that its claim times out. Default 10 s. */
  stopTimeoutMs?: number;
  /** Finished deliveries are deleted after this. Default 7 days. */
  retentionSeconds?: number;
}

/** Drains the webhook inbox into the consumer, in the background or on demand. */
export interface InboxWorker {
  start(): void;
  stop(): Promise<void>;
  /** Something was accepted: look now instead of at the next poll. */
  nudge(): void;
  /** Processes everything claimable now, without the loop; returns how many (tests, tools). */
  drain(): Promise<number>;
}

const SWEEP_INTERVAL_MS = 30_000;
const PRUNE_INTERVAL_MS = 3_600_000;
const MAX_DRAIN_BATCHES = 10_000;

/**
 * Creates the worker. Each delivery is parsed again from the stored payload, handed to the
 * consumer, then marked done or failed (retried with backoff up to the inbox's attempts); one
 * failing delivery never stops the others. At start it picks up what a stopped process left.
 */
export function createInboxWorker(options: InboxWorkerOptions): InboxWorker {
  const { inbox, consumer, log, metrics } = options;
  const batchSize = options.batchSize ?? 500;
  const gatherMs = options.gatherMs ?? 100;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  const handlerTimeoutMs = options.handlerTimeoutMs ?? 30_000;
  const retentionSeconds = options.retentionSeconds ?? 7 * 24 * 3600;
  let running = false;
  let loop: Promise<void> | undefined;
  let nudged = false;
  let wake: (() => void) | undefined;
  /** Deliveries accepted by this process since the last claim. */
  let arrived = 0;
  let gathered: (() => void) | undefined;
  let lastSweep = 0;
  let lastPrune = 0;
  const processDeps = { inbox, consumer, log, metrics, handlerTimeoutMs };

  async function housekeeping(): Promise<void> {
    const now = Date.now();
    if (now - lastSweep >= SWEEP_INTERVAL_MS) {
      lastSweep = now;
      for (const item of await inbox.sweepAbandoned()) {
        metrics.webhookInboxProcessed.inc({ source: item.source, outcome: 'failed' });
        log.error(
          { source: item.source, inboxId: item.id },
          'webhook delivery abandoned after its last attempt',
        );
      }
    }
    if (now - lastPrune >= PRUNE_INTERVAL_MS) {
      lastPrune = now;
      const pruned = await inbox.prune(retentionSeconds);
      if (pruned > 0) log.info({ pruned }, 'old webhook deliveries pruned');
    }
  }

  async function runBatch(): Promise<number> {
    await housekeeping();
    const items = await inbox.claimBatch(batchSize);
    await processBatch(processDeps, items);
    return items.length;
  }

  async function recover(): Promise<void> {
    if (inbox.exclusive) {
      // No other process can hold these claims: whatever is `processing` was cut off by a stop.
      const { released, failed } = await inbox.releaseClaims();
      for (const item of failed)
        metrics.webhookInboxProcessed.inc({ source: item.source, outcome: 'failed' });
      if (released + failed.length > 0)
        log.warn({ released, failed: failed.length }, 'interrupted webhook deliveries recovered');
    }
    const counts = await inbox.counts();
    log.info(
      { pending: counts.pending, processing: counts.processing },
      'webhook inbox worker started',
    );
  }

  function pause(ms: number): Promise<void> {
    if (nudged || !running) {
      nudged = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wake = undefined;
        nudged = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      wake = done;
    });
  }

  /** Waits up to gatherMs for a whole batch to arrive (see gatherMs). */
  function gather(): Promise<void> {
    if (gatherMs <= 0 || arrived === 0 || arrived >= batchSize || !running)
      return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        gathered = undefined;
        resolve();
      };
      const timer = setTimeout(done, gatherMs);
      gathered = done;
    });
  }

  async function run(): Promise<void> {
    let backoff = 0;
    let recovered = false;
    while (running) {
      let claimed = 0;
      try {
        if (!recovered) await recover();
        recovered = true;
        await gather();
        arrived = 0;
        claimed = await runBatch();
        backoff = 0;
      } catch (error) {
        backoff = Math.min(backoff === 0 ? pollIntervalMs : backoff * 2, maxBackoffMs);
        log.error({ err: error, retryInMs: backoff }, 'webhook inbox unavailable');
      }
      if (claimed >= batchSize && backoff === 0) continue;
      await pause(backoff || pollIntervalMs);
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    async stop() {
      if (!running) return;
      running = false;
      wake?.();
      gathered?.();
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), options.stopTimeoutMs ?? 10_000);
      });
      const outcome = await Promise.race([loop, waited]);
      clearTimeout(timer);
      if (outcome === 'timeout')
        log.warn('webhook inbox worker stopped with a delivery in hand; its claim will time out');
    },
    nudge() {
      arrived += 1;
      nudged = true;
      wake?.();
      if (arrived >= batchSize) gathered?.();
    },
    async drain() {
      let total = 0;
      for (let batch = 0; batch < MAX_DRAIN_BATCHES; batch += 1) {
        const claimed = await runBatch();
        total += claimed;
        if (claimed === 0) break;
      }
      return total;
    },
  };
}
