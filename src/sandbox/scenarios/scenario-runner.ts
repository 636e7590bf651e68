import type { WebhookAlert } from '../../adapters/alertmanager/schema.ts';
import type { Logger } from '../../telemetry/logger.ts';
import type { PagerDutyEmulator } from '../pagerduty/emulator.ts';
import type { SimulatedAlert } from '../prometheus/prometheus-server.ts';
import { pagerdutyTitle, webhookAlert, webhookFor } from './alerts.ts';
import type { RaisedIncident, Scenario, ScenarioContext } from './types.ts';

export interface RunnerDeps {
  scenarios: Scenario[];
  context: Omit<ScenarioContext, 'note'>;
  /** The bot's base URL: webhooks go to /webhooks/alertmanager and /webhooks/pagerduty. */
  botUrl: string;
  alertmanagerToken: string;
  pagerduty: PagerDutyEmulator;
  pagerdutySecret: string;
  /** Base of the alerts' generatorURL (the simulated Prometheus). */
  prometheusUrl: string;
  log: Logger;
  /** Seconds an incident must look healthy before it resolves (default 3). */
  healthyChecks?: number;
}

interface Active {
  scenario: string;
  raised: RaisedIncident;
  alerts: WebhookAlert[];
  startedAt: Date;
  pdIncident?: string;
  healthyStreak: number;
}

/** A line of the scenarios panel. */
export interface RunnerEvent {
  at: number;
  text: string;
}

/**
 * Starts scenarios and keeps their incidents: delivers the firing Alertmanager webhook (bearer
 * token) and PagerDuty V3 webhook (signed) to the bot, lists the firing alerts for the
 * simulated Prometheus, and once the cluster is healthy again sends the resolved notifications.
 */
export function createScenarioRunner(deps: RunnerDeps) {
  const active: Active[] = [];
  const events: RunnerEvent[] = [];
  const note = (text: string) => {
    events.push({ at: Date.now(), text });
    deps.log.info({ scenario: true }, text);
  };
  const ctx: ScenarioContext = { ...deps.context, note };
  const externalURL = `${deps.prometheusUrl}/alertmanager`;

  async function deliverAlertmanager(entry: Active): Promise<void> {
    const body = webhookFor(entry.alerts, entry.raised.groupBy, externalURL);
    const res = await fetch(`${deps.botUrl}/webhooks/alertmanager`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${deps.alertmanagerToken}`,
        'content-type': 'application/json',
        'user-agent': 'Alertmanager/0.25.0',
      },
      body: JSON.stringify(body),
    });
    await res.arrayBuffer();
    note(
      `Alertmanager → bot: ${body.status} ${entry.raised.title} (${entry.alerts.length} alert(s)) → HTTP ${res.status}`,
    );
  }

  async function page(entry: Active, serviceId: string): Promise<void> {
    const incident = deps.pagerduty.seedIncident({
      title: pagerdutyTitle(entry.alerts, entry.raised.groupBy),
      serviceId,
      urgency: 'high',
      alertCount: entry.alerts.length,
    });
    entry.pdIncident = incident.id;
    const sent = await deps.pagerduty.deliverWebhook(
      `${deps.botUrl}/webhooks/pagerduty`,
      { type: 'incident.triggered', incidentId: incident.id, client: { name: 'Alertmanager' } },
      { secret: deps.pagerdutySecret },
    );
    note(
      `PagerDuty → bot: incident.triggered ${incident.id} "${incident.title}" → HTTP ${sent.status}`,
    );
  }

  async function resolve(entry: Active): Promise<void> {
    const now = new Date();
    entry.alerts = entry.raised.alerts.map((spec) =>
      webhookAlert(spec, entry.startedAt, deps.prometheusUrl, now),
    );
    await deliverAlertmanager(entry);
    if (entry.pdIncident) await resolvePage(entry.pdIncident);
    entry.raised.onResolved?.();
  }

  async function resolvePage(id: string): Promise<void> {
    const res = await fetch(`${deps.pagerduty.url}/incidents/${id}`, {
      method: 'PUT',
      headers: {
        authorization: `Token token=${deps.pagerduty.token}`,
        accept: 'application/vnd.pagerduty+json;version=2',
        'content-type': 'application/json',
        from: 'alertmanager@acme.test',
      },
      body: JSON.stringify({ incident: { type: 'incident_reference', status: 'resolved' } }),
    });
    await res.arrayBuffer();
    const sent = await deps.pagerduty.deliverWebhook(
      `${deps.botUrl}/webhooks/pagerduty`,
      { type: 'incident.resolved', incidentId: id },
      { secret: deps.pagerdutySecret },
    );
    note(`PagerDuty → bot: incident.resolved ${id} → HTTP ${sent.status}`);
  }

  let checking = false;
  const watcher = setInterval(() => {
    if (checking) return;
    checking = true;
    watch()
      .catch((error: unknown) => deps.log.error({ err: error }, 'scenario watcher failed'))
      .finally(() => {
        checking = false;
      });
  }, 1_000);
  watcher.unref();

  async function watch(): Promise<void> {
    for (const entry of [...active]) {
      entry.healthyStreak = entry.raised.healthy() ? entry.healthyStreak + 1 : 0;
      if (entry.healthyStreak < (deps.healthyChecks ?? 3)) continue;
      active.splice(active.indexOf(entry), 1);
      note(`${entry.raised.title}: healthy again; sending the resolved notifications`);
      await resolve(entry);
    }
  }

  return {
    list: () => deps.scenarios.map(({ id, title, description }) => ({ id, title, description })),
    events: () => [...events],
    firing: () =>
      active.map((a) => ({ scenario: a.scenario, title: a.raised.title, since: a.startedAt })),
    /** The firing alerts as Alertmanager holds them (its API v2 lists these). */
    heldAlerts: () => active.flatMap((a) => a.alerts),
    /** Alerts as the simulated Prometheus's rule evaluator lists them. */
    prometheusAlerts(): SimulatedAlert[] {
      return active.flatMap((a) =>
        a.alerts.map((alert) => ({
          labels: alert.labels,
          annotations: alert.annotations,
          state: 'firing' as const,
          activeAt: alert.startsAt,
          value: '1e+00',
        })),
      );
    },
    async start(id: string): Promise<{ ok: boolean; message: string }> {
      const scenario = deps.scenarios.find((s) => s.id === id);
      if (!scenario) return { ok: false, message: `no scenario ${id}` };
      if (active.some((a) => a.scenario === id)) {
        return { ok: false, message: `"${scenario.title}" is still firing; fix it first.` };
      }
      note(`Scenario started: ${scenario.title}`);
      const raised = await scenario.start(ctx);
      const startedAt = new Date();
      for (const incident of raised) {
        const entry: Active = {
          scenario: id,
          raised: incident,
          alerts: incident.alerts.map((spec) => webhookAlert(spec, startedAt, deps.prometheusUrl)),
          startedAt,
          healthyStreak: 0,
        };
        active.push(entry);
        await deliverAlertmanager(entry);
        if (incident.pagerduty) await page(entry, incident.pagerduty.serviceId);
      }
      return { ok: true, message: `${scenario.title}: ${raised.length} incident(s) raised` };
    },
    close(): void {
      clearInterval(watcher);
    },
  };
}

export type ScenarioRunner = ReturnType<typeof createScenarioRunner>;
