import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAlertmanagerWebhook } from '../../../src/adapters/alertmanager/parse-webhook.ts';
import type { AlertmanagerWebhook } from '../../../src/adapters/alertmanager/schema.ts';
import {
  startTestExporter,
  type TestExporter,
} from '../../../src/sandbox/exporter/test-exporter.ts';
import {
  type Delivery,
  startAlertmanager,
  startWebhookReceiver,
  type TestAlertmanager,
  type WebhookReceiver,
} from '../../support/alertmanager.ts';
import { requireBinary, startPrometheus, type TestPrometheus } from '../../support/prometheus.ts';

const PROMETHEUS = requireBinary('prometheus');
const ALERTMANAGER = requireBinary('prometheus-alertmanager');
const TOKEN = 'am-webhook-token-5b0c2f9e71d4';
const NORMAL = 3;
const BACKLOG = 500;

const RULES = `
groups:
  - name: mc-test
    rules:
      - alert: QueueBacklog
        expr: queue_depth{service="checkout"} > 100
        labels: { severity: page }
        annotations: { summary: 'queue {{ $labels.service }} at {{ $value }}' }
`;

function webhookOf(delivery: Delivery): AlertmanagerWebhook {
  const parsed = parseAlertmanagerWebhook(delivery.body);
  if (!parsed.ok) throw new Error(`webhook did not parse: ${parsed.problems.join('; ')}`);
  return parsed.webhook;
}

const isStatus = (status: 'firing' | 'resolved') => (d: Delivery) =>
  parseAlertmanagerWebhook(d.body).ok && webhookOf(d).status === status;

describe.skipIf(!PROMETHEUS || !ALERTMANAGER)(
  'alert path: exporter → Prometheus → Alertmanager → webhook',
  () => {
    let hook: WebhookReceiver;
    let am: TestAlertmanager;
    let exporter: TestExporter;
    let prom: TestPrometheus;

    beforeAll(async () => {
      hook = await startWebhookReceiver();
      [am, exporter] = await Promise.all([
        startAlertmanager({
          binary: ALERTMANAGER,
          webhookUrl: hook.url,
          webhookToken: TOKEN,
          groupWait: '0s',
          groupInterval: '1s',
        }),
        startTestExporter(),
      ]);
      exporter.setGauge('queue_depth', { service: 'checkout' }, NORMAL);
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
      await hook?.close();
    });

    it('delivers a firing notification with the bearer token, then a resolved one', async () => {
      const firingAt = Date.now();
      exporter.setGauge('queue_depth', { service: 'checkout' }, BACKLOG);
      const firing = await hook.waitFor(isStatus('firing'), 20_000);
      const firingMs = firing.receivedAt - firingAt;

      expect(firing).toMatchObject({ method: 'POST', path: '/webhooks/alertmanager' });
      expect(firing.authorization).toBe(`Bearer ${TOKEN}`);
      const fired = webhookOf(firing);
      expect(fired).toMatchObject({
        version: '4',
        receiver: 'mc',
        externalURL: am.url,
        groupLabels: { alertname: 'QueueBacklog' },
        commonLabels: { alertname: 'QueueBacklog', service: 'checkout', severity: 'page' },
      });
      expect(fired.alerts).toHaveLength(1);
      expect(fired.alerts[0]).toMatchObject({
        status: 'firing',
        annotations: { summary: `queue checkout at ${BACKLOG}` },
        endsAt: '0001-01-01T00:00:00Z',
      });
      expect(fired.alerts[0]?.generatorURL.startsWith(`${prom.url}/graph?`)).toBe(true);

      const resolvingAt = Date.now();
      exporter.setGauge('queue_depth', { service: 'checkout' }, NORMAL);
      const resolved = await hook.waitFor(isStatus('resolved'), 20_000);
      const resolvedMs = resolved.receivedAt - resolvingAt;

      const cleared = webhookOf(resolved);
      expect(resolved.authorization).toBe(`Bearer ${TOKEN}`);
      expect(cleared.alerts[0]).toMatchObject({
        status: 'resolved',
        fingerprint: fired.alerts[0]?.fingerprint,
        startsAt: fired.alerts[0]?.startsAt,
      });
      expect(Date.parse(cleared.alerts[0]?.endsAt ?? '')).toBeGreaterThan(
        Date.parse(cleared.alerts[0]?.startsAt ?? ''),
      );

      console.log(
        `alert path: Prometheus up after ${prom.startupMs} ms; gauge → firing webhook ${firingMs} ms; ` +
          `gauge → resolved webhook ${resolvedMs} ms`,
      );
    });
  },
);
