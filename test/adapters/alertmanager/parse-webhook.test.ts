import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAlertmanagerWebhook } from '../../../src/adapters/alertmanager/parse-webhook.ts';
import { Alert, AlertmanagerStatus, Silence } from '../../../src/adapters/alertmanager/schema.ts';

const FIXTURES = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../fixtures/alertmanager',
);
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

describe('adapters/alertmanager/parse-webhook', () => {
  it.each([
    ['webhook-firing.json', 'firing', 'ProbeValueHigh'],
    ['webhook-resolved.json', 'resolved', 'ProbeValueHigh'],
    ['webhook-firing-queue.json', 'firing', 'QueueBacklog'],
    ['webhook-resolved-queue.json', 'resolved', 'QueueBacklog'],
    ['webhook-extra-fields.json', 'firing', 'ProbeValueHigh'],
  ])('reads %s (from Alertmanager 0.25) as %s', (file, status, alertname) => {
    const parsed = parseAlertmanagerWebhook(fixture(file));
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    expect(parsed.webhook).toMatchObject({ version: '4', status, groupLabels: { alertname } });
    expect(parsed.webhook.alerts[0]).toMatchObject({ status, labels: { alertname } });
    expect(parsed.webhook.alerts[0]?.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  it('keeps the fields the bot needs and drops unknown ones', () => {
    const parsed = parseAlertmanagerWebhook(Buffer.from(fixture('webhook-extra-fields.json')));
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    expect(parsed.webhook).not.toHaveProperty('extraField');
    expect(parsed.webhook).toMatchObject({
      groupKey: '{}:{alertname="ProbeValueHigh"}',
      truncatedAlerts: 0,
      receiver: 'bot',
      externalURL: 'http://127.0.0.1:9093',
      commonAnnotations: { summary: 'probe value is 1' },
    });
    expect(parsed.webhook.alerts[0]).toEqual({
      status: 'firing',
      labels: {
        alertname: 'ProbeValueHigh',
        instance: '127.0.0.1:9464',
        job: 'chatops',
        severity: 'page',
      },
      annotations: { summary: 'probe value is 1' },
      startsAt: '2026-11-22T06:23:51.019Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://127.0.0.1:9090/graph?g0.expr=chatops_probe_value+%3E+0&g0.tab=1',
      fingerprint: 'daad44c7977a6d99',
    });
  });

  it.each([
    ['webhook-broken-missing-alerts.json', ['alerts: is required']],
    [
      'webhook-broken-wrong-version.json',
      ['version: must be "4" (the Alertmanager webhook payload version)'],
    ],
    [
      'webhook-broken-alert-fields.json',
      [/^alerts\.0\.status: /, 'alerts.0.fingerprint: is required'],
    ],
    ['webhook-broken-not-json.txt', [/^body is not JSON \(/]],
  ])('rejects %s, listing every problem', (file, problems) => {
    const parsed = parseAlertmanagerWebhook(fixture(file));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toHaveLength(problems.length);
    problems.forEach((expected, i) => {
      if (typeof expected === 'string') expect(parsed.problems[i]).toBe(expected);
      else expect(parsed.problems[i]).toMatch(expected);
    });
  });

  it('rejects a body that is JSON but not an object', () => {
    expect(parseAlertmanagerWebhook('[]')).toMatchObject({ ok: false, problems: [/^body: /] });
  });
});

describe('adapters/alertmanager/schema (API v2 answers)', () => {
  it('reads alerts, silenced ones included', () => {
    const alerts = Alert.array().parse(JSON.parse(fixture('api-v2-alerts.json')));
    expect(alerts[0]).toMatchObject({
      fingerprint: 'daad44c7977a6d99',
      status: { state: 'active' },
    });
    const silenced = Alert.array().parse(JSON.parse(fixture('api-v2-alerts-silenced.json')));
    expect(silenced[0]?.status.state).toBe('suppressed');
    expect(silenced[0]?.status.silencedBy).toHaveLength(1);
  });

  it('reads active and expired silences with their matchers', () => {
    const active = Silence.parse(JSON.parse(fixture('api-v2-silence-active.json')));
    const expired = Silence.parse(JSON.parse(fixture('api-v2-silence-expired.json')));
    expect(active.status.state).toBe('active');
    expect(expired.status.state).toBe('expired');
    expect(active.matchers).toEqual([
      { name: 'alertname', value: 'QueueBacklog', isRegex: false, isEqual: true },
    ]);
  });

  it('reads the status of an unclustered Alertmanager', () => {
    const status = AlertmanagerStatus.parse(JSON.parse(fixture('api-v2-status.json')));
    expect(status.cluster.status).toBe('disabled');
    expect(status.versionInfo.version).toBe('0.25.0');
    expect(status.config?.original).toContain('credentials: <secret>');
  });
});
