import type { AlertmanagerClient } from '../adapters/alertmanager/create-alertmanager-client.ts';
import type { PrometheusClient } from '../adapters/prometheus/create-prometheus-client.ts';
import { matchesLabels, parseSelector } from '../domain/deploys/label-matchers.ts';
import type { FiringAlert } from '../domain/deploys/status-model.ts';

/** Where firing alerts can be read: Alertmanager (preferred, knows silences) or Prometheus. */
export interface AlertSources {
  alertmanager?: Pick<AlertmanagerClient, 'alerts'>;
  prometheus?: Pick<PrometheusClient, 'alerts'>;
}

function envOf(labels: Record<string, string>): { env?: string } {
  const env = labels.env ?? labels.environment;
  return env ? { env } : {};
}

/**
 * Firing alerts whose labels match the service's selector: unsilenced, uninhibited active
 * alerts from Alertmanager, else `firing` alerts from Prometheus's rule evaluator.
 */
export async function firingAlerts(
  sources: AlertSources,
  selector: string,
): Promise<FiringAlert[]> {
  const matchers = parseSelector(selector);
  if (sources.alertmanager) {
    const alerts = await sources.alertmanager.alerts({
      filter: matchers,
      active: true,
      silenced: false,
      inhibited: false,
    });
    return alerts.map((a) => ({
      name: a.labels.alertname ?? '(unnamed)',
      ...(a.labels.severity ? { severity: a.labels.severity } : {}),
      ...(a.annotations.summary ? { summary: a.annotations.summary } : {}),
      startsAt: new Date(a.startsAt),
      ...envOf(a.labels),
      ...(a.generatorURL ? { link: a.generatorURL } : {}),
      source: 'alertmanager' as const,
    }));
  }
  const alerts = (await sources.prometheus?.alerts()) ?? [];
  return alerts
    .filter((a) => a.state === 'firing' && matchesLabels(a.labels, matchers))
    .map((a) => ({
      name: a.labels.alertname ?? '(unnamed)',
      ...(a.labels.severity ? { severity: a.labels.severity } : {}),
      ...(a.annotations.summary ? { summary: a.annotations.summary } : {}),
      ...(a.activeAt ? { startsAt: new Date(a.activeAt) } : {}),
      ...envOf(a.labels),
      source: 'prometheus' as const,
    }));
}
