import { createHash } from 'node:crypto';
import type { AlertmanagerWebhook, WebhookAlert } from '../../adapters/alertmanager/schema.ts';

/** An alert a scenario raises: its labels and annotations; the rest is filled in. */
export interface AlertSpec {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
}

const NO_END = '0001-01-01T00:00:00Z';

/** Alertmanager's fingerprint stand-in: 16 hex digits over the sorted label set. */
export function fingerprint(labels: Record<string, string>): string {
  const text = Object.keys(labels)
    .sort()
    .map((k) => `${k}\xff${labels[k]}`)
    .join('\xff');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** A webhook alert as Alertmanager sends it, firing since `startsAt` or resolved at `endsAt`. */
export function webhookAlert(
  spec: AlertSpec,
  startsAt: Date,
  generatorBase: string,
  endsAt?: Date,
): WebhookAlert {
  const expr = spec.labels.alertname ?? 'alert';
  return {
    status: endsAt ? 'resolved' : 'firing',
    labels: spec.labels,
    annotations: spec.annotations ?? {},
    startsAt: startsAt.toISOString(),
    endsAt: endsAt ? endsAt.toISOString() : NO_END,
    generatorURL: `${generatorBase}/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=1`,
    fingerprint: fingerprint(spec.labels),
  };
}

/** Labels every alert of the group shares (Alertmanager's commonLabels). */
function common(alerts: WebhookAlert[], pick: (a: WebhookAlert) => Record<string, string>) {
  const [first, ...rest] = alerts;
  if (!first) return {};
  return Object.fromEntries(
    Object.entries(pick(first)).filter(([k, v]) => rest.every((a) => pick(a)[k] === v)),
  );
}

/**
 * One v4 webhook notification for a group: status firing while any alert fires, groupKey
 * and groupLabels as a route grouping by `groupBy` produces them.
 */
export function webhookFor(
  alerts: WebhookAlert[],
  groupBy: string[],
  externalURL: string,
): AlertmanagerWebhook {
  const commonLabels = common(alerts, (a) => a.labels);
  const groupLabels = Object.fromEntries(
    groupBy.filter((k) => commonLabels[k] !== undefined).map((k) => [k, commonLabels[k] as string]),
  );
  const key = Object.entries(groupLabels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',');
  return {
    version: '4',
    groupKey: `{}/{}:{${key}}`,
    truncatedAlerts: 0,
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    receiver: 'mc',
    groupLabels,
    commonLabels,
    commonAnnotations: common(alerts, (a) => a.annotations),
    externalURL,
    alerts,
  };
}

/** The title Alertmanager's PagerDuty integration gives an incident: `[FIRING:n] name (values)`. */
export function pagerdutyTitle(alerts: WebhookAlert[], groupBy: string[]): string {
  const labels = common(alerts, (a) => a.labels);
  const values = groupBy.map((k) => labels[k]).filter(Boolean);
  const name = labels.alertname ?? alerts[0]?.labels.alertname ?? 'alerts';
  const rest = values.filter((v) => v !== name);
  return `[FIRING:${alerts.length}] ${name}${rest.length ? ` (${rest.join(' ')})` : ''}`;
}
