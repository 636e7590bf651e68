import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AlertmanagerWebhook } from '../../../src/adapters/alertmanager/schema.ts';
import type { PagerDutyWebhookEvent } from '../../../src/adapters/pagerduty/schema.ts';
import type { DeliveryMeta, WebhookConsumer } from '../../../src/http/webhooks/consumer.ts';
import { createWebhookRoutes } from '../../../src/http/webhooks/create-webhook-routes.ts';
import { createInboxWorker, type InboxWorker } from '../../../src/http/webhooks/inbox-worker.ts';
import { createFrontServer } from '../../../src/slack/http-front.ts';
import type { Db } from '../../../src/store/db.ts';
import { createInbox, type Inbox } from '../../../src/store/inbox.ts';
import { createMetrics, type Metrics } from '../../../src/telemetry/metrics.ts';
import { captureLogs } from '../../support/slack-logs.ts';
import { openInboxDb } from './inbox-db.ts';

/** One consumer call, as recorded. */
export type Consumed =
  | { source: 'alertmanager'; webhook: AlertmanagerWebhook; meta: DeliveryMeta; at: number }
  | { source: 'pagerduty'; event: PagerDutyWebhookEvent; meta: DeliveryMeta; at: number };

/** The Alertmanager group key of a call ('' for PagerDuty). */
export function groupOf(call: Consumed): string {
  return call.source === 'alertmanager' ? call.webhook.groupKey : '';
}

/** A consumer that records every call; `before` runs first (to fail, hang or slow a call). */
export function recordingConsumer(before?: (call: Consumed) => Promise<void> | void) {
  const calls: Consumed[] = [];
  const waiters = new Set<() => void>();
  const record = async (call: Consumed) => {
    await before?.(call);
    calls.push(call);
    for (const wake of waiters) wake();
  };
  const consumer: WebhookConsumer = {
    alertmanager: (webhook, meta) =>
      record({ source: 'alertmanager', webhook, meta, at: Date.now() }),
    pagerduty: (event, meta) => record({ source: 'pagerduty', event, meta, at: Date.now() }),
  };
  return {
    consumer,
    calls,
    /** Resolves with the first call matching, or rejects after timeoutMs. */
    waitFor(match: (call: Consumed) => boolean, timeoutMs = 5000): Promise<Consumed> {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = calls.find(match);
          if (!found) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`no matching consumer call within ${timeoutMs} ms (${calls.length} calls)`),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}

export interface HarnessOptions {
  alertmanagerToken?: string;
  pagerdutySecrets?: string[];
  /** Replaces the inbox the routes write to (a failing fake). */
  inbox?: Pick<Inbox, 'accept'>;
  before?: (call: Consumed) => Promise<void> | void;
  startWorker?: boolean;
  /** Delays every insert: a route answering before its insert committed would show. */
  acceptDelayMs?: number;
  /** A migrated database to reuse (emptied first); default a fresh in-memory PGlite. */
  db?: Db;
}

/** The webhook routes on the bot's real front server (127.0.0.1, port 0) over in-memory PGlite. */
export interface Harness {
  url: string;
  db: Db;
  inbox: Inbox;
  worker: InboxWorker;
  recorder: ReturnType<typeof recordingConsumer>;
  metrics: Metrics;
  logs: ReturnType<typeof captureLogs>;
  rows(): Promise<Array<{ source: string; delivery_id: string; status: string; payload: unknown }>>;
  close(): Promise<void>;
}

/** Starts the harness; close() stops the worker, the server and the database. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const logs = captureLogs({
    secrets: [options.alertmanagerToken ?? '', ...(options.pagerdutySecrets ?? [])],
  });
  const metrics = createMetrics({ defaultMetrics: false });
  const store = options.db
    ? { db: options.db, dispose: async () => {} }
    : await openInboxDb('pglite', logs.log);
  await store.db.query('DELETE FROM webhook_inbox');
  const inbox = createInbox(store.db, { retryBaseSeconds: 0 });
  const recorder = recordingConsumer(options.before);
  const worker = createInboxWorker({
    inbox,
    consumer: recorder.consumer,
    log: logs.log,
    metrics,
    pollIntervalMs: 50,
    stopTimeoutMs: 200,
  });
  const routes = createWebhookRoutes({
    inbox: options.inbox ?? delayed(inbox, options.acceptDelayMs ?? 0),
    worker,
    alertmanagerToken: options.alertmanagerToken,
    pagerdutySecrets: options.pagerdutySecrets ?? [],
    log: logs.log,
    metrics,
  });
  const server: Server = createFrontServer({
    slackPath: '/slack/events',
    routes,
    metrics,
    log: logs.log,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  if (options.startWorker) worker.start();
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    db: store.db,
    inbox,
    worker,
    recorder,
    metrics,
    logs,
    async rows() {
      const { rows } = await store.db.query<{
        source: string;
        delivery_id: string;
        status: string;
        payload: unknown;
      }>('SELECT source, delivery_id, status, payload FROM webhook_inbox ORDER BY id');
      return rows;
    },
    async close() {
      await worker.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await store.dispose();
    },
  };
}

function delayed(inbox: Inbox, ms: number): Pick<Inbox, 'accept'> {
  if (ms === 0) return inbox;
  return {
    accept: async (...args) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return inbox.accept(...args);
    },
  };
}

/** The value of one labelled series in the registry's text output (0 when absent). */
export async function metricValue(metrics: Metrics, series: string): Promise<number> {
  const text = await metrics.registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}
