import type { AlertmanagerWebhook } from '../../adapters/alertmanager/schema.ts';
import type { Catalog } from '../catalog/schema.ts';
import { envNamed, resolveService } from './resolve-service.ts';
import type { Signal } from './schema.ts';

/** An ISO-8601 instant in UTC with milliseconds, or `fallback` when the text is not a date. */
export function isoOr(text: string | undefined, fallback: string): string {
  const ms = text === undefined ? Number.NaN : Date.parse(text);
  // Alertmanager writes `0001-01-01T00:00:00Z` for "no end yet".
  return Number.isNaN(ms) || ms <= 0 ? fallback : new Date(ms).toISOString();
}

/**
 * One signal per alert of an Alertmanager webhook (v4). The service comes from the alert's
 * labels (see resolveService); `at` is when the alert started or, once resolved, ended.
 */
export function alertmanagerSignals(webhook: AlertmanagerWebhook, catalog: Catalog): Signal[] {
  return webhook.alerts.map((alert) => {
    const { labels, annotations } = alert;
    const startedAt = isoOr(alert.startsAt, new Date(0).toISOString());
    const resolvedAt = alert.status === 'resolved' ? isoOr(alert.endsAt, startedAt) : undefined;
    const where = resolveService(labels, catalog, alert.generatorURL);
    const env =
      where?.env ?? envNamed(labels.env ?? labels.environment, Object.keys(catalog.environments));
    const title = annotations.summary ?? annotations.message ?? annotations.description;
    const signal: Signal = {
      source: 'alertmanager',
      id: alert.fingerprint,
      name: labels.alertname ?? '(unnamed alert)',
      status: alert.status,
      labels,
      annotations,
      startedAt,
      at: resolvedAt ?? startedAt,
      groupKey: webhook.groupKey,
    };
    if (title) signal.title = title;
    if (where) {
      signal.service = where.service;
      signal.resolvedBy = where.via;
    }
    if (env) signal.env = env;
    if (labels.severity) signal.severity = labels.severity.toLowerCase();
    if (resolvedAt) signal.resolvedAt = resolvedAt;
    if (alert.generatorURL) signal.link = alert.generatorURL;
    return signal;
  });
}
