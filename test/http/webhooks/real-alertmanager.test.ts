import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpRoute } from '../../../src/http/route.ts';
import { createWebhookRoutes } from '../../../src/http/webhooks/create-webhook-routes.ts';
import { createInboxWorker, type InboxWorker } from '../../../src/http/webhooks/inbox-worker.ts';
import {
  startTestExporter,
  type TestExporter,
} from '../../../src/sandbox/exporter/test-exporter.ts';
import { createInbox } from '../../../src/store/inbox.ts';
import { createMetrics } from '../../../src/telemetry/metrics.ts';
import { startAlertmanager, type TestAlertmanager } from '../../support/alertmanager.ts';
import { requireBinary, startPrometheus, type TestPrometheus } from '../../support/prometheus.ts';
import { startBot, type TestBot } from '../../support/slack.ts';
import { captureLogs } from '../../support/slack-logs.ts';
import { type Consumed, recordingConsumer } from './harness.ts';
import { type InboxDb, openInboxDb } from './inbox-db.ts';

const PROMETHEUS = requireBinary('prometheus');
const ALERTMANAGER = requireBinary('prometheus-alertmanager');
const TOKEN = 'am-webhook-token-real-3d5e8f01';
const RULES = `
groups:
  - name: mc-webhooks
    rules:
      - alert: QueueBacklog
        expr: queue_depth{service="checkout"} > 100
        labels: { severity: page }
`;

/** One request Alertmanager made to the route: its TCP source port, arrival and answer. */
interface Hit {
  port: number | undefined;
  status: number;
  arrivedAt: number;
  answeredAt: number;
}

// Wraps the routes to see which connection each request came on, and when it was answered.
function observed(routes: HttpRoute[], hits: Hit[]): HttpRoute[] {
  return routes.map((route) => ({
    ...route,
    handler: (req, res) => {
      const port = req.socket.remotePort;
      const arrivedAt = Date.now();
      res.on('finish', () =>
        hits.push({ port, status: res.statusCode, arrivedAt, answeredAt: Date.now() }),
      );
      route.handler(req, res);
    },
  }));
}

async function alertmanagerCounter(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && line.includes('integration="webhook"'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

// 'finish' can fire after the worker already handed the delivery over: wait for it, bounded.
async function settled(hits: Hit[], count: number): Promise<void> {
  for (let i = 0; i < 100 && hits.length < count; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const statusOf = (status: 'firing' | 'resolved') => (call: Consumed) =>
  call.source === 'alertmanager' && call.webhook.status === status;

describe.skipIf(!PROMETHEUS || !ALERTMANAGER)(
  'real Prometheus → Alertmanager → POST /webhooks/alertmanager on the bot → consumer',
  () => {
    const hits: Hit[] = [];
    const recorder = recordingConsumer();
    let store: InboxDb;
    let worker: InboxWorker;
    let bot: TestBot;
    let am: TestAlertmanager;
    let exporter: TestExporter;
    let prom: TestPrometheus;
    let firingAnsweredAt = 0;

    beforeAll(async () => {
      const { log } = captureLogs({ level: 'warn' });
      const metrics = createMetrics({ defaultMetrics: false });
      store = await openInboxDb('pglite', log);
      const inbox = createInbox(store.db);
      worker = createInboxWorker({ inbox, consumer: recorder.consumer, log, metrics });
      const routes = createWebhookRoutes({
        inbox,
        worker,
        alertmanagerToken: TOKEN,
        pagerdutySecrets: [],
        log,
        metrics,
      });
      bot = await startBot({ extraRoutes: observed(routes, hits) });
      worker.start();
      [am, exporter] = await Promise.all([
        startAlertmanager({
          binary: ALERTMANAGER,
          webhookUrl: `${bot.baseUrl}/webhooks/alertmanager`,
          webhookToken: TOKEN,
          groupWait: '0s',
          groupInterval: '1s',
        }),
        startTestExporter(),
      ]);
      exporter.setGauge('queue_depth', { service: 'checkout' }, 3);
      prom = await startPrometheus({
        binary: PROMETHEUS,
        scrapeTargets: [exporter.target],
        rules: RULES,
        alertmanagerUrl: am.url,
      });
    });

    afterAll(async () => {
      await prom?.close();
      await am?.close();
      await exporter?.close();
      await worker?.stop();
      await bot?.close();
      await store?.dispose();
    });

    it('accepts the firing notification and hands the parsed webhook to the consumer', async () => {
      const changedAt = Date.now();
      exporter.setGauge('queue_depth', { service: 'checkout' }, 500);
      const call = await recorder.waitFor(statusOf('firing'), 20_000);
      await settled(hits, 1);
      const [first] = hits;
      firingAnsweredAt = first?.answeredAt ?? 0;
      expect(first?.status).toBe(202);
      expect(call).toMatchObject({
        webhook: {
          version: '4',
          receiver: 'mc',
          groupLabels: { alertname: 'QueueBacklog' },
          alerts: [{ status: 'firing', labels: { service: 'checkout', severity: 'page' } }],
        },
        meta: { attempt: 1 },
      });
      console.log(
        `real stack: gauge change → request at the route ${(first?.arrivedAt ?? 0) - changedAt} ms; ` +
          `→ 202 ${firingAnsweredAt - changedAt} ms; → consumer called ${call.at - changedAt} ms`,
      );
    });

    it('keeps the connection open across deliveries more than 5 s apart: no EOF in Alertmanager', async () => {
      expect(firingAnsweredAt).toBeGreaterThan(0);
      // Idle past Node's default 5 s keep-alive before the next notification is due.
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, firingAnsweredAt + 6500 - Date.now())),
      );
      const changedAt = Date.now();
      exporter.setGauge('queue_depth', { service: 'checkout' }, 3);
      const call = await recorder.waitFor(statusOf('resolved'), 20_000);
      await settled(hits, 2);
      const resolvedHit = hits.at(-1);
      const idleMs = (resolvedHit?.answeredAt ?? 0) - firingAnsweredAt;
      expect(idleMs).toBeGreaterThan(5000);
      expect(call.source === 'alertmanager' && call.webhook.alerts[0]?.status).toBe('resolved');
      expect(hits.map((h) => h.status)).toEqual(hits.map(() => 202));
      // One TCP connection for both: the server kept it through the idle gap.
      expect(new Set(hits.map((h) => h.port)).size).toBe(1);
      expect(await alertmanagerCounter(am.url, 'alertmanager_notifications_failed_total')).toBe(0);
      expect(await alertmanagerCounter(am.url, 'alertmanager_notifications_total')).toBe(
        hits.length,
      );
      expect(am.stderrTail()).not.toMatch(/EOF|connection reset/i);
      console.log(
        `real stack: resolved after ${idleMs} ms idle on the same connection; gauge → consumer ` +
          `${call.at - changedAt} ms; ${hits.length} deliveries, 0 failed`,
      );
    });
  },
);
