import type { Catalog } from '../catalog/schema.ts';
import type { Playbook, TriagePlaybook } from '../playbooks/schema.ts';
import { deploySignal } from './deploy-signal.ts';
import { applySignal, type BookOptions, createIncidentBook } from './incident-book.ts';
import { alertmanagerSignals } from './normalize-alertmanager.ts';
import { pagerdutySignal } from './normalize-pagerduty.ts';
import { type RankedPlaybook, rankPlaybooks } from './rank-playbooks.ts';
import { type RenderedPlaybook, renderSteps } from './render-steps.ts';
import type { Incident, Signal, TriageInput } from './schema.ts';
import { flagReturns } from './suspect-change.ts';

export interface Suggestion extends Omit<RankedPlaybook, 'eligible'> {
  plan: RenderedPlaybook;
}

export interface ReportIncident {
  id: string;
  service: string | null;
  env: string | null;
  status: Incident['status'];
  firstSignalAt: string;
  closedAt?: string;
  signals: Signal[];
  /** Best first. */
  suggestions: Suggestion[];
  /** Every candidate, suggested or not, for insight into the ranking. */
  candidates: RankedPlaybook[];
  note?: string;
}

export interface TriageReport {
  now: string;
  incidents: ReportIncident[];
  /** Signals that joined no incident, and why (noise, repeats, resolved before seen). */
  ignored: { source: Signal['source']; id: string; name: string; reason: string }[];
}

const SOURCE_ORDER: Record<Signal['source'], number> = { deploy: 0, alertmanager: 1, pagerduty: 2 };

/** Every signal of a replay bundle, in the order they happened (deploys first on a tie). */
export function inputSignals(input: TriageInput, catalog: Catalog): Signal[] {
  const signals = [
    ...flagReturns(input.deploys).map(deploySignal),
    ...input.alertmanager.flatMap((webhook) => alertmanagerSignals(webhook, catalog)),
    ...input.pagerduty.flatMap((body) => pagerdutySignal(body.event, catalog) ?? []),
  ];
  return signals
    .map((signal, index) => ({ signal, index }))
    .sort(
      (a, b) =>
        Date.parse(a.signal.at) - Date.parse(b.signal.at) ||
        SOURCE_ORDER[a.signal.source] - SOURCE_ORDER[b.signal.source] ||
        a.index - b.index,
    )
    .map(({ signal }) => signal);
}

/**
 * Replays a recorded bundle offline: normalizes every signal, feeds them to an incident book
 * in time order, and ranks the playbooks for each incident as of `input.now`. What the bot
 * would have suggested, without Slack or a cluster.
 */
export function replayTriage(
  input: TriageInput,
  options: { catalog: Catalog; playbooks: Playbook[]; book?: BookOptions },
): TriageReport {
  let book = createIncidentBook();
  const ignored: TriageReport['ignored'] = [];
  for (const signal of inputSignals(input, options.catalog)) {
    const applied = applySignal(book, signal, options.book);
    book = applied.book;
    if (applied.change === 'ignored' && signal.source !== 'deploy') {
      const reason = applied.reason ?? 'ignored';
      ignored.push({ source: signal.source, id: signal.id, name: signal.name, reason });
    }
  }
  const byId = new Map(
    options.playbooks.filter((p): p is TriagePlaybook => p.kind === 'triage').map((p) => [p.id, p]),
  );
  const incidents = book.incidents.map((incident): ReportIncident => {
    const ranking = rankPlaybooks(incident, options.playbooks, { now: input.now });
    const suggestions = ranking.suggestions.flatMap(({ eligible: _e, ...s }) => {
      const playbook = byId.get(s.playbook);
      return playbook ? [{ ...s, plan: renderSteps(playbook, incident) }] : [];
    });
    const report: ReportIncident = {
      id: incident.id,
      service: incident.service ?? null,
      env: incident.env ?? null,
      status: incident.status,
      firstSignalAt: incident.firstSignalAt,
      signals: [...incident.deploys, ...incident.signals],
      suggestions,
      candidates: ranking.candidates,
    };
    if (incident.closedAt) report.closedAt = incident.closedAt;
    if (ranking.note) report.note = ranking.note;
    return report;
  });
  return { now: input.now, incidents, ignored };
}
