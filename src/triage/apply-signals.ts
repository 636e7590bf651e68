import type { Playbook, TriagePlaybook } from '../domain/playbooks/schema.ts';
import type { ConditionCheck } from '../domain/triage/condition-check.ts';
import {
  type Applied,
  applySignal,
  type BookOptions,
  type IncidentBook,
} from '../domain/triage/incident-book.ts';
import { rankPlaybooks } from '../domain/triage/rank-playbooks.ts';
import { renderSteps } from '../domain/triage/render-steps.ts';
import type { Incident, IncidentChange, Signal } from '../domain/triage/schema.ts';
import type { TriageView } from '../findings/triage-subject.ts';

/** One partition (a service, or the signals no service claims) as loaded, and what arrived. */
export interface PartitionInput {
  /** Its live incidents as stored: ids `inc-N`. */
  incidents: Incident[];
  /** Deploys of the service from the deploy log; those already attached are ignored. */
  deploys: Signal[];
  signals: Signal[];
  options?: BookOptions;
}

/** An incident this batch opened or changed, in its final state. */
export interface PartitionChange {
  incident: Incident;
  /** Opened in this batch: its id is provisional until the store assigns one. */
  isNew: boolean;
  /** What happened to it, in order (`opened`, `updated`, `resolved`, `closed`). */
  changes: IncidentChange[];
}

export interface PartitionOutcome {
  changed: PartitionChange[];
  /** Stored incidents signals joined without changing anything (repeats, redeliveries). */
  touched: string[];
  /** Signals that joined nothing, and why. */
  ignored: { source: Signal['source']; id: string; name: string; reason: string }[];
}

const seqOf = (id: string) => Number(/^inc-(\d+)$/.exec(id)?.[1] ?? 0);
const byTime = (a: Signal, b: Signal) => Date.parse(a.at) - Date.parse(b.at);

/** A book holding a partition's stored incidents, ready to take more signals. */
export function bookOf(incidents: Incident[]): IncidentBook {
  const sorted = [...incidents].sort((a, b) => Date.parse(a.openedAt) - Date.parse(b.openedAt));
  const deploys = new Map<string, Signal>();
  for (const incident of sorted) for (const d of incident.deploys) deploys.set(d.id, d);
  const clock = sorted.reduce(
    (latest, i) => (Date.parse(i.updatedAt) > Date.parse(latest) ? i.updatedAt : latest),
    new Date(0).toISOString(),
  );
  // New incidents get `inc-(max+1)...`: provisional ids that never collide with stored ones.
  const seq = sorted.reduce((max, i) => Math.max(max, seqOf(i.id)), 0);
  return { incidents: sorted, deploys: [...deploys.values()], seq, clock };
}

/**
 * Applies a delivery's signals to one partition through the domain's incident book: deploys
 * first, then the signals in time order. Pure: the same input gives the same outcome, and a
 * signal already applied (same fingerprint, same status) changes nothing.
 */
export function applyToPartition(input: PartitionInput): PartitionOutcome {
  const before = new Map(input.incidents.map((i) => [i.id, i]));
  let book = bookOf(input.incidents);
  const history = new Map<string, IncidentChange[]>();
  const touched = new Set<string>();
  const ignored: PartitionOutcome['ignored'] = [];
  const note = (applied: Applied, signal: Signal) => {
    const id = applied.incident?.id;
    if (applied.change === 'ignored') {
      if (id && before.has(id)) touched.add(id);
      if (signal.source !== 'deploy') {
        const reason = applied.reason ?? 'ignored';
        ignored.push({ source: signal.source, id: signal.id, name: signal.name, reason });
      }
      return;
    }
    if (id) history.set(id, [...(history.get(id) ?? []), applied.change]);
  };
  const ordered = [...[...input.deploys].sort(byTime), ...[...input.signals].sort(byTime)];
  for (const signal of ordered) {
    const applied = applySignal(book, signal, input.options);
    book = applied.book;
    note(applied, signal);
  }
  const changed: PartitionChange[] = [];
  for (const incident of book.incidents) {
    const previous = before.get(incident.id);
    if (previous === incident) continue;
    changed.push({ incident, isNew: !previous, changes: history.get(incident.id) ?? [] });
    touched.delete(incident.id);
  }
  return { changed, touched: [...touched], ignored };
}

/**
 * Ranks the triage playbooks for an incident and renders the suggested ones' steps; `checks`
 * (measured `confirm` conditions) demote the playbooks whose condition fails.
 */
export function rankIncident(
  incident: Incident,
  playbooks: Playbook[],
  now: Date,
  checks?: Record<string, ConditionCheck>,
): TriageView {
  const rankedAt = now.toISOString();
  const ranking = rankPlaybooks(incident, playbooks, {
    now: rankedAt,
    ...(checks ? { checks } : {}),
  });
  const byId = new Map(
    playbooks.filter((p): p is TriagePlaybook => p.kind === 'triage').map((p) => [p.id, p]),
  );
  const suggestions = ranking.suggestions.flatMap(({ eligible: _e, ...s }) => {
    const playbook = byId.get(s.playbook);
    return playbook ? [{ ...s, plan: renderSteps(playbook, incident) }] : [];
  });
  const view: TriageView = { suggestions, candidates: ranking.candidates, rankedAt };
  if (ranking.note) view.note = ranking.note;
  return view;
}
