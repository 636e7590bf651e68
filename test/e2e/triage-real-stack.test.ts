import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { TRIAGE_ACTIONS } from '../../src/findings/triage-actions.ts';
import { startTestExporter, type TestExporter } from '../../src/sandbox/exporter/test-exporter.ts';
import {
  AM_TOKEN,
  buttonValue,
  CHECKOUT_CHANNEL,
  readable,
  startTriageWorld,
  type TriageWorld,
} from '../slack/triage/world.ts';
import {
  type Delivery,
  startAlertmanager,
  startWebhookReceiver,
  type TestAlertmanager,
  type WebhookReceiver,
} from '../support/alertmanager.ts';
import { requireBinary, startPrometheus, type TestPrometheus } from '../support/prometheus.ts';

const PROMETHEUS = requireBinary('prometheus');
const ALERTMANAGER = requireBinary('prometheus-alertmanager');
const RULES = `
groups:
  - name: mc-triage
    rules:
      - alert: QueueBacklog
        expr: queue_depth{service="checkout"} > 100
        labels: { severity: page }
        annotations: { summary: "checkout queue depth is {{ $value }}" }
`;

/**
 * Points the running Prometheus at a second Alertmanager too (same scheme and path): both get
 * every alert, so the bot's path and a plain receiver's are timed on the same evaluations.
 */
async function alsoAlert(prom: TestPrometheus, second: TestAlertmanager): Promise<void> {
  const file = path.join(prom.dir, 'prometheus.yml');
  const config = parse(readFileSync(file, 'utf8')) as {
    alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
  };
  config.alerting.alertmanagers[0]?.static_configs[0]?.targets.push(new URL(second.url).host);
  writeFileSync(file, stringify(config));
  const res = await fetch(`${prom.url}/-/reload`, { method: 'POST' });
  if (!res.ok) throw new Error(`prometheus reload answered ${res.status}: ${await res.text()}`);
  // Until the notifier has both again, a firing alert would be dropped (resent only after 1 min).
  for (let i = 0; i < 100; i += 1) {
    const body = (await (await fetch(`${prom.url}/api/v1/alertmanagers`)).json()) as {
      data: { activeAlertmanagers: unknown[] };
    };
    if (body.data.activeAlertmanagers.length === 2) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('prometheus did not pick up the second Alertmanager');
}

const hasStatus = (status: string) => (d: Delivery) =>
  (JSON.parse(d.body) as { status: string }).status === status;

describe.skipIf(!PROMETHEUS || !ALERTMANAGER)(
  'real Prometheus + Alertmanager → webhook → inbox → triage → ONE Slack message (real Bolt app)',
  () => {
    let world: TriageWorld;
    let exporter: TestExporter;
    let toBot: TestAlertmanager;
    let toPlain: TestAlertmanager;
    let plain: WebhookReceiver;
    let prom: TestPrometheus;

    beforeAll(async () => {
      world = await startTriageWorld();
      plain = await startWebhookReceiver();
      [toBot, toPlain, exporter] = await Promise.all([
        startAlertmanager({
          binary: ALERTMANAGER,
          webhookUrl: `${world.baseUrl}/webhooks/alertmanager`,
          webhookToken: AM_TOKEN,
          groupWait: '0s',
          groupInterval: '1s',
        }),
        startAlertmanager({
          binary: ALERTMANAGER,
          webhookUrl: plain.url,
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
        alertmanagerUrl: toBot.url,
      });
      await alsoAlert(prom, toPlain);
    });

    afterAll(async () => {
      await prom?.close();
      await toBot?.close();
      await toPlain?.close();
      await exporter?.close();
      await plain?.close();
      await world?.close();
    });

    it('a rule firing on the exporter metric gives one suggestion message with queue-backlog', async () => {
      const changedAt = Date.now();
      exporter.setGauge('queue_depth', { service: 'checkout' }, 500);
      const message = await world.until('the triage message', () => world.posts()[0], 30_000);
      const postedAt = world.slack.calls('chat.postMessage')[0]!.at;
      const plainAt = (await plain.waitFor(hasStatus('firing'), 30_000)).receivedAt;
      const text = readable(message);
      expect(text).toMatch(/checkout\/prod: QueueBacklog/);
      expect(text).toMatch(/Suggested playbooks[\s\S]*`queue-backlog`/);
      expect(text).toMatch(/k8s\.scale` service=checkout env=prod replicas=\+2/);
      expect(buttonValue(message, TRIAGE_ACTIONS.run)).toMatch(/:queue-backlog$/);
      expect(message.channel).toBe(CHECKOUT_CHANNEL);
      console.log(
        `real stack (firing): metric change → Slack message ${postedAt - changedAt} ms; ` +
          `→ plain webhook receiver (Alertmanager alone) ${plainAt - changedAt} ms; ` +
          `bot overhead ${postedAt - plainAt} ms`,
      );
      expect(postedAt - plainAt).toBeLessThan(5_000);
    });

    it('the metric back to normal turns that same message into resolved', async () => {
      const changedAt = Date.now();
      exporter.setGauge('queue_depth', { service: 'checkout' }, 3);
      const resolved = await world.until(
        'the message marked resolved',
        () => {
          const m = world.posts()[0];
          return m && /— resolved/.test(readable(m)) && m;
        },
        30_000,
      );
      const updatedAt = world.slack.calls('chat.update').at(-1)!.at;
      const plainAt = (await plain.waitFor(hasStatus('resolved'), 30_000)).receivedAt;
      expect(buttonValue(resolved, TRIAGE_ACTIONS.run)).toBeUndefined();
      expect(world.posts()).toHaveLength(1);
      expect(world.slack.calls('chat.postMessage')).toHaveLength(1);
      // The store records the published version once chat.update has answered: wait for that
      // state rather than read it in the instant between the two.
      let [incident] = await world.triage.store.live();
      for (let i = 0; i < 300 && incident && incident.publishedVersion !== incident.version; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        [incident] = await world.triage.store.live();
      }
      expect(incident).toMatchObject({ state: 'resolved' });
      expect(incident!.publishedVersion).toBe(incident!.version);
      console.log(
        `real stack (resolved): metric change → message updated ${updatedAt - changedAt} ms; ` +
          `→ plain webhook receiver ${plainAt - changedAt} ms; bot overhead ${updatedAt - plainAt} ms`,
      );
    });
  },
);
