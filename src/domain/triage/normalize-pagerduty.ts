import type { PagerDutyWebhookEvent, WebhookIncident } from '../../adapters/pagerduty/schema.ts';
import type { Catalog } from '../catalog/schema.ts';
import { isoOr } from './normalize-alertmanager.ts';
import { prefixService } from './resolve-conventions.ts';
import { envNamed, productionMost } from './resolve-service.ts';
import type { Signal } from './schema.ts';

const FIRING_TITLE = /^\[(FIRING|RESOLVED)(?::(\d+))?\]\s*(.*)$/s;
const ALERT_NAME = /^[A-Z][A-Za-z0-9_:]*[a-z][A-Za-z0-9_:]*$/;
const SEVERITIES = ['critical', 'error', 'warning', 'info', 'none', 'page', 'ticket'];

/** What Alertmanager's default PagerDuty subject (`[FIRING:N] group values (common values)`) says. */
export interface AlertmanagerTitle {
  status: 'firing' | 'resolved';
  count?: number;
  /** The alert name: the first CamelCase word, group values before common ones. */
  alertname?: string;
  /** Every label value in the title, in order. */
  values: string[];
  /** The title without its `[FIRING:N] ` prefix. */
  rest: string;
}

/** Parses a `[FIRING:3] KubePodCrashLooping prod (checkout critical)` title; undefined otherwise. */
export function parseAlertmanagerTitle(title: string): AlertmanagerTitle | undefined {
  const match = FIRING_TITLE.exec(title.trim());
  if (!match) return undefined;
  const rest = (match[3] ?? '').trim();
  const values = rest.replace(/[()]/g, ' ').split(/\s+/).filter(Boolean);
  const parsed: AlertmanagerTitle = {
    status: match[1] === 'FIRING' ? 'firing' : 'resolved',
    values,
    rest,
  };
  if (match[2]) parsed.count = Number(match[2]);
  const alertname = values.find((v) => ALERT_NAME.test(v));
  if (alertname) parsed.alertname = alertname;
  return parsed;
}

/** The title without a `[FIRING:N] ` prefix: what title regexes are matched against. */
export function titleText(title: string): string {
  return parseAlertmanagerTitle(title)?.rest ?? title;
}

function words(text: string | null | undefined): string[] {
  return (text ?? '')
    .toLowerCase()
    .split(/[^a-z0-9-]+/)
    .filter(Boolean);
}

/**
 * The catalog service of a PagerDuty incident: its PagerDuty service id, else a service named
 * in a `[FIRING:N]` title's label values or in the PagerDuty service's name (`checkout (prod)`),
 * else the one catalog service a free-text title names.
 */
function serviceOf(
  incident: WebhookIncident,
  parsed: AlertmanagerTitle | undefined,
  catalog: Catalog,
) {
  const services = Object.keys(catalog.services);
  const byId = services.find(
    (s) => catalog.services[s]?.pagerduty.serviceId === incident.service.id,
  );
  if (byId) return { service: byId, via: `pagerduty service ${incident.service.id}` };
  const inValues = parsed?.values.find((v) => services.includes(v));
  if (inValues) return { service: inValues, via: 'pagerduty title labels' };
  const inSummary = words(incident.service.summary).find((w) => services.includes(w));
  // A PagerDuty service named after the catalog one: `payments-api (prod)` is payments.
  const bySummary =
    inSummary ??
    words(incident.service.summary)
      .map((w) => prefixService(w, services))
      .find((s) => s !== undefined);
  if (bySummary)
    return { service: bySummary, via: `pagerduty service "${incident.service.summary}"` };
  const named = services.filter((s) => words(incident.title).includes(s));
  if (named.length === 1 && named[0]) return { service: named[0], via: 'pagerduty title' };
  return undefined;
}

/**
 * A signal for an incident event (triggered, acknowledged, resolved, and any other event that
 * carries the incident); `incident.annotated` and non-incident events give none, since notes
 * do not change triage. The same incident id gives the same signal, so later events update it.
 */
export function pagerdutySignal(
  event: PagerDutyWebhookEvent,
  catalog: Catalog,
): Signal | undefined {
  if (event.data.type !== 'incident') return undefined;
  const incident = event.data as WebhookIncident;
  const parsed = parseAlertmanagerTitle(incident.title);
  const found = serviceOf(incident, parsed, catalog);
  const envs = found
    ? Object.keys(catalog.services[found.service]?.environments ?? {})
    : Object.keys(catalog.environments);
  const named = [...(parsed?.values ?? []), ...words(incident.service.summary)]
    .map((v) => envNamed(v, envs))
    .find(Boolean);
  const env = named ?? (found ? productionMost(catalog, envs) : undefined);
  const at = isoOr(event.occurred_at, new Date(0).toISOString());
  const startedAt = isoOr(incident.created_at, at);
  const status = incident.status === 'triggered' ? 'firing' : incident.status;
  const severity =
    parsed?.values.map((v) => v.toLowerCase()).find((v) => SEVERITIES.includes(v)) ??
    (incident.urgency === 'high' ? 'critical' : 'warning');
  const signal: Signal = {
    source: 'pagerduty',
    id: incident.id,
    name: parsed?.alertname ?? incident.title,
    title: incident.title,
    status,
    severity,
    urgency: incident.urgency,
    labels: parsed?.alertname ? { alertname: parsed.alertname } : {},
    annotations: {},
    startedAt,
    at,
    link: incident.html_url,
    pagerduty: {
      id: incident.id,
      number: incident.number,
      serviceId: incident.service.id,
      url: incident.html_url,
    },
  };
  if (status === 'resolved') signal.resolvedAt = at;
  if (found) {
    signal.service = found.service;
    signal.resolvedBy = found.via;
  }
  if (env) signal.env = env;
  if (incident.incident_key) signal.groupKey = incident.incident_key;
  return signal;
}
