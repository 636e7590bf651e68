import type { AlertmanagerClient } from '../adapters/alertmanager/create-alertmanager-client.ts';
import type { Alert, AlertmanagerWebhook, MatcherInput } from '../adapters/alertmanager/schema.ts';
import type { PagerDuty } from '../adapters/pagerduty/client.ts';
import type { PagerDutyIncident, PagerDutyWebhookEvent } from '../adapters/pagerduty/schema.ts';
import type { Catalog } from '../config/schema.ts';
import { alertmanagerSignals } from '../domain/triage/normalize-alertmanager.ts';
import { pagerdutySignal } from '../domain/triage/normalize-pagerduty.ts';
import type { Signal } from '../domain/triage/schema.ts';

export interface GatherDeps {
  /** Absent when ALERTMANAGER_URL is not set. */
  alertmanager?: Pick<AlertmanagerClient, 'alerts' | 'url'> | undefined;
  /** Absent when PAGERDUTY_TOKEN is not set. */
  pagerduty?: Pick<PagerDuty, 'listOpenIncidents' | 'getIncident'> | undefined;
  catalog: Catalog;
}

/** One source that could not be asked, and why, worded for the person who typed the command. */
export interface GatherProblem {
  source: 'alertmanager' | 'pagerduty';
  kind: 'not_configured' | 'unreachable' | 'not_found';
  message: string;
}

export interface Gathered {
  signals: Signal[];
  /** The service the request was about (given, or found from the PagerDuty incident). */
  service?: string;
  alerts: number;
  pages: number;
  problems: GatherProblem[];
}

const MATCHER = /([a-zA-Z_]\w*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g;

/** `{service="checkout",env=~"prod.*"}` as Alertmanager API filter matchers. */
export function selectorMatchers(selector: string): MatcherInput[] {
  return [...selector.matchAll(MATCHER)].map(([, name = '', op = '=', value = '']) => ({
    name,
    value: value.replace(/\\(.)/g, '$1'),
    isRegex: op.endsWith('~'),
    isEqual: !op.startsWith('!'),
  }));
}

/** Firing alerts from the API as one webhook-shaped group, so they normalize the same way. */
export function alertsAsWebhook(alerts: Alert[], externalURL: string): AlertmanagerWebhook {
  return {
    version: '4',
    groupKey: '',
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'mc-triage',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL,
    alerts: alerts.map((a) => ({
      status: 'firing',
      labels: a.labels,
      annotations: a.annotations,
      startsAt: a.startsAt,
      endsAt: a.endsAt,
      generatorURL: a.generatorURL ?? '',
      fingerprint: a.fingerprint,
    })),
  };
}

/** A REST incident as the webhook event of its current state, so it normalizes the same way. */
export function incidentAsEvent(incident: PagerDutyIncident): PagerDutyWebhookEvent {
  const at = incident.last_status_change_at ?? incident.updated_at ?? incident.created_at;
  return {
    id: `rest-${incident.id}-${at}`,
    event_type: `incident.${incident.status}`,
    resource_type: 'incident',
    occurred_at: new Date(at).toISOString(),
    data: {
      id: incident.id,
      type: 'incident',
      html_url: incident.html_url,
      number: incident.incident_number,
      status: incident.status,
      incident_key: incident.incident_key,
      created_at: new Date(incident.created_at).toISOString(),
      title: incident.title,
      service: incident.service,
      urgency: incident.urgency,
      assignees: [],
      teams: [],
    },
  };
}

/**
 * What `/mc triage` looks at: open PagerDuty incidents (of the service, or the one given) and
 * firing, unsilenced alerts from Alertmanager (filtered by the service's selector), as signals.
 * A source that is not configured or does not answer is reported, and the other still used.
 */
export async function gatherSignals(
  deps: GatherDeps,
  request: { service?: string; incident?: string },
): Promise<Gathered> {
  const { catalog } = deps;
  const problems: GatherProblem[] = [];
  const pages: Signal[] = [];
  let service = request.service;
  if (!deps.pagerduty) {
    problems.push({
      source: 'pagerduty',
      kind: 'not_configured',
      message: 'PagerDuty is not configured (set `PAGERDUTY_TOKEN`): open incidents were not read.',
    });
  } else {
    try {
      const incidents = request.incident
        ? [await deps.pagerduty.getIncident(request.incident)]
        : await deps.pagerduty.listOpenIncidents({ serviceIds: serviceIds(catalog, service) });
      for (const incident of incidents) {
        const signal = pagerdutySignal(incidentAsEvent(incident), catalog);
        if (signal) pages.push(signal);
      }
      if (request.incident && !service) service = pages[0]?.service;
    } catch (error) {
      problems.push(pagerdutyProblem(error, request.incident));
    }
  }
  const alerts: Signal[] = [];
  if (!deps.alertmanager) {
    problems.push({
      source: 'alertmanager',
      kind: 'not_configured',
      message:
        'Alertmanager is not configured (set `ALERTMANAGER_URL`): firing alerts were not read.',
    });
  } else if (!request.incident || service) {
    const spec = service ? catalog.services[service] : undefined;
    try {
      const found = await deps.alertmanager.alerts({
        active: true,
        silenced: false,
        inhibited: false,
        ...(spec ? { filter: selectorMatchers(spec.prometheus.selector) } : {}),
      });
      const webhook = alertsAsWebhook(found, deps.alertmanager.url);
      alerts.push(...alertmanagerSignals(webhook, catalog));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      problems.push({
        source: 'alertmanager',
        kind: 'unreachable',
        message: `Alertmanager at ${deps.alertmanager.url} did not answer: ${reason}`,
      });
    }
  }
  // An explicit service keeps to itself: a selector can match alerts another service claims.
  const keep = (s: Signal) => !service || s.service === service;
  const signals = [...alerts.filter(keep), ...pages.filter(keep)];
  return {
    signals,
    ...(service ? { service } : {}),
    alerts: alerts.filter(keep).length,
    pages: pages.filter(keep).length,
    problems,
  };
}

function serviceIds(catalog: Catalog, service: string | undefined): string[] {
  const names = service ? [service] : Object.keys(catalog.services);
  return names.flatMap((name) => {
    const id = catalog.services[name]?.pagerduty.serviceId;
    return id ? [id] : [];
  });
}

function pagerdutyProblem(error: unknown, incident: string | undefined): GatherProblem {
  const status = (error as { status?: number }).status;
  const reason = error instanceof Error ? error.message : String(error);
  if (incident && status === 404) {
    return {
      source: 'pagerduty',
      kind: 'not_found',
      message: `PagerDuty has no incident \`${incident}\`: check the id or paste the incident's link.`,
    };
  }
  return {
    source: 'pagerduty',
    kind: 'unreachable',
    message: `PagerDuty did not answer: ${reason}`,
  };
}
