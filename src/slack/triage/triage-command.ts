import type { Catalog } from '../../config/schema.ts';
import { triageFinding } from '../../findings/triage-finding.ts';
import { type GatherDeps, gatherSignals } from '../../triage/gather-signals.ts';
import type { StoredIncident } from '../../triage/incident-store.ts';
import { refOf, type TriageService } from '../../triage/triage-service.ts';
import type { CommandHandler } from '../commands/types.ts';
import { renderTriageReport, type TriageReportLine } from '../render/triage-report.ts';
import type { TriagePoster } from './triage-poster.ts';

export interface TriageCommandDeps {
  gather: GatherDeps;
  service: Pick<TriageService, 'ingest'>;
  poster: Pick<TriagePoster, 'publish'>;
}

function channelOf(stored: StoredIncident, catalog: Catalog): string {
  const service = stored.incident.service;
  return (
    stored.message?.channel ??
    (service ? catalog.services[service]?.slackChannel : undefined) ??
    catalog.defaults.slackChannel
  );
}

/**
 * `/mc triage [service | incident]`: reads firing alerts (Alertmanager API v2) and open
 * PagerDuty incidents, runs them through the same normalize → book → rank path as the
 * webhooks, and posts or updates the incidents' messages in their channels. The typist gets
 * an ephemeral summary, with what could not be read and why.
 */
export function createTriageCommand(deps: TriageCommandDeps): CommandHandler {
  return async (request) => {
    const { command } = request;
    const { catalog } = deps.gather;
    const gathered = await gatherSignals(deps.gather, {
      ...(command.service ? { service: command.service } : {}),
      ...(command.incident ? { incident: command.incident } : {}),
    });
    const problems = gathered.problems.map((p) => p.message);
    const unasked = (source: 'alertmanager' | 'pagerduty') =>
      gathered.problems.some((p) => p.source === source && p.kind !== 'not_found');
    const reachable = 2 - gathered.problems.filter((p) => p.kind !== 'not_found').length;
    const scope = command.incident
      ? `PagerDuty incident ${command.incident}`
      : (command.service ?? 'every service');
    if (reachable === 0 || gathered.problems.some((p) => p.kind === 'not_found')) {
      await request.respond(
        renderTriageReport({ scope, alerts: undefined, pages: undefined, incidents: [], problems }),
      );
      return 'error';
    }
    const result =
      gathered.signals.length > 0
        ? await deps.service.ingest(gathered.signals, { via: `/mc triage by ${request.user.id}` })
        : { incidents: [] };
    const unique = new Map(result.incidents.map((i) => [i.id, i]));
    const incidents: TriageReportLine[] = [...unique.values()].map((stored) => {
      // Asked for: make sure its message is there and current, even when nothing changed.
      deps.poster.publish(refOf(stored));
      const finding = triageFinding(stored);
      const top = finding.suggestions[0];
      return {
        id: stored.id,
        title: finding.title,
        state: stored.state,
        channel: channelOf(stored, catalog),
        ...(top ? { top: { playbook: top.playbook, score: top.score } } : {}),
      };
    });
    await request.respond(
      renderTriageReport({
        scope,
        alerts: unasked('alertmanager') ? undefined : gathered.alerts,
        pages: unasked('pagerduty') ? undefined : gathered.pages,
        incidents,
        problems,
      }),
    );
    return 'ok';
  };
}
