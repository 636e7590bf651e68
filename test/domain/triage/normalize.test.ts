import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AlertmanagerWebhook } from '../../../src/adapters/alertmanager/schema.ts';
import { PagerDutyWebhook } from '../../../src/adapters/pagerduty/schema.ts';
import { deploySignal } from '../../../src/domain/triage/deploy-signal.ts';
import { alertmanagerSignals } from '../../../src/domain/triage/normalize-alertmanager.ts';
import {
  pagerdutySignal,
  parseAlertmanagerTitle,
} from '../../../src/domain/triage/normalize-pagerduty.ts';
import { CATALOG, FIXTURES } from './world.ts';

function fixture(file: string): unknown {
  return JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8'));
}

const pd = (file: string) => PagerDutyWebhook.parse(fixture(`pagerduty/${file}`)).event;

describe('domain/triage/normalize-alertmanager', () => {
  it('turns each alert of a v4 webhook into a signal keyed by fingerprint', () => {
    const webhook = AlertmanagerWebhook.parse(fixture('alertmanager/webhook-firing-queue.json'));
    expect(alertmanagerSignals(webhook, CATALOG)).toEqual([
      {
        source: 'alertmanager',
        id: '674f36eb27a5e3e7',
        name: 'QueueBacklog',
        title: 'queue checkout is 500',
        service: 'checkout',
        resolvedBy: 'label service',
        env: 'prod',
        severity: 'page',
        status: 'firing',
        labels: {
          alertname: 'QueueBacklog',
          instance: '127.0.0.1:43913',
          job: 'mc-test',
          service: 'checkout',
          severity: 'page',
        },
        annotations: { summary: 'queue checkout is 500' },
        startedAt: '2026-11-22T07:25:36.603Z',
        at: '2026-11-22T07:25:36.603Z',
        link: 'http://vm:38227/graph?g0.expr=queue_depth+%3E+100&g0.tab=1',
        groupKey: '{}:{alertname="QueueBacklog"}',
      },
    ]);
  });

  it('marks a resolved alert with its end time and leaves an unknown service empty', () => {
    const webhook = AlertmanagerWebhook.parse(fixture('alertmanager/webhook-resolved.json'));
    const [signal] = alertmanagerSignals(webhook, CATALOG);
    expect(signal?.status).toBe('resolved');
    expect(signal?.resolvedAt).toBe(new Date(webhook.alerts[0]?.endsAt ?? '').toISOString());
    expect(signal?.at).toBe(signal?.resolvedAt);
    expect(signal?.service).toBeUndefined();
  });
});

describe('domain/triage/normalize-pagerduty', () => {
  it.each<[string, ReturnType<typeof parseAlertmanagerTitle>]>([
    [
      '[FIRING:2] KubePodCrashLooping prod (checkout kube-state-metrics critical)',
      {
        status: 'firing',
        count: 2,
        alertname: 'KubePodCrashLooping',
        values: ['KubePodCrashLooping', 'prod', 'checkout', 'kube-state-metrics', 'critical'],
        rest: 'KubePodCrashLooping prod (checkout kube-state-metrics critical)',
      },
    ],
    [
      // group_by [cluster, alertname]: the alert name is not the first value.
      '[FIRING:1] prod-eu ErrorBudgetBurn (checkout-latency page)',
      {
        status: 'firing',
        count: 1,
        alertname: 'ErrorBudgetBurn',
        values: ['prod-eu', 'ErrorBudgetBurn', 'checkout-latency', 'page'],
        rest: 'prod-eu ErrorBudgetBurn (checkout-latency page)',
      },
    ],
    [
      '[RESOLVED] TargetDown',
      { status: 'resolved', alertname: 'TargetDown', values: ['TargetDown'], rest: 'TargetDown' },
    ],
    ["Customers in EU can't complete checkout", undefined],
  ])('parses %j', (title, parsed) => {
    expect(parseAlertmanagerTitle(title)).toEqual(parsed);
  });

  it('reads an Alertmanager-opened incident: alert name, env and severity from the title', () => {
    // The fixture's PagerDuty service id is not in the catalog: the title names the service.
    const signal = pagerdutySignal(pd('webhook-incident-triggered-alertmanager.json'), CATALOG);
    expect(signal).toMatchObject({
      source: 'pagerduty',
      id: 'Q2KX9L7RM1ZB4T',
      name: 'KubePodCrashLooping',
      labels: { alertname: 'KubePodCrashLooping' },
      service: 'checkout',
      resolvedBy: 'pagerduty title labels',
      env: 'prod',
      severity: 'critical',
      urgency: 'high',
      status: 'firing',
      startedAt: '2026-11-22T03:14:07.000Z',
      groupKey: 'c02987a97f3f0656c7d82141e07305f3a2b2d913ce00a9b29d47c7596a613662',
      pagerduty: { id: 'Q2KX9L7RM1ZB4T', number: 4812, serviceId: 'PCHKOUT' },
    });
  });

  it('reads a manual incident: the title stays free text, urgency gives the severity', () => {
    const signal = pagerdutySignal(pd('webhook-incident-triggered-manual.json'), CATALOG);
    expect(signal).toMatchObject({
      name: "Customers in EU can't complete checkout — card payments time out",
      labels: {},
      service: 'checkout',
      env: 'prod',
      severity: 'critical',
    });
  });

  it.each([
    ['webhook-incident-acknowledged.json', 'acknowledged', undefined],
    ['webhook-incident-resolved.json', 'resolved', 'resolvedAt'],
  ])('keeps the incident id as identity for %s', (file, status, resolvedKey) => {
    const signal = pagerdutySignal(pd(file), CATALOG);
    expect(signal?.id).toBe('Q2KX9L7RM1ZB4T');
    expect(signal?.status).toBe(status);
    if (resolvedKey) expect(signal?.resolvedAt).toBe(signal?.at);
    else expect(signal?.resolvedAt).toBeUndefined();
  });

  it('finds the service by PagerDuty service id first', () => {
    const event = pd('webhook-incident-triggered-manual.json');
    const moved = {
      ...event,
      data: {
        ...event.data,
        service: { id: 'PGWY8M4', type: 'service_reference', summary: 'edge' },
      },
    } as typeof event;
    expect(pagerdutySignal(moved, CATALOG)?.service).toBe('gateway');
  });

  it('gives no signal for a note', () => {
    expect(pagerdutySignal(pd('webhook-incident-annotated.json'), CATALOG)).toBeUndefined();
  });
});

describe('domain/triage/deploy-signal', () => {
  it('records a deploy as a signal that neither fires nor resolves', () => {
    const at = '2026-11-22T03:10:02Z';
    expect(
      deploySignal({
        service: 'checkout',
        env: 'prod',
        from: '1.4.1',
        to: '1.4.2',
        by: 'alice',
        at,
      }),
    ).toMatchObject({
      source: 'deploy',
      id: 'checkout/prod@1.4.2@2026-11-22T03:10:02.000Z',
      status: 'recorded',
      deploy: { from: '1.4.1', to: '1.4.2', by: 'alice' },
      at: '2026-11-22T03:10:02.000Z',
    });
  });
});
