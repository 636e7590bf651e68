import type { RankedPlaybook } from '../domain/triage/rank-playbooks.ts';
import type { Suggestion } from '../domain/triage/replay.ts';
import type { Incident } from '../domain/triage/schema.ts';

/** open: a signal is active; resolved: every signal resolved; closed: nothing joins it again. */
export type IncidentState = 'open' | 'resolved' | 'closed';

/** The ranking of an incident as of `rankedAt`: suggestions (with plans) and every candidate. */
export interface TriageView {
  suggestions: Suggestion[];
  candidates: RankedPlaybook[];
  /** Why nothing is suggested, when that is the case for a reason other than no match. */
  note?: string;
  rankedAt: string;
}

/** A run someone requested from an incident's message. */
export interface IncidentRun {
  id: string;
  playbook: string;
  /** Slack user id of the clicker. */
  by: string;
  at: string;
}

/** What a triage message is about: an incident, its ranking, and what people did with it. */
export interface TriageSubject {
  id: string;
  state: IncidentState;
  incident: Incident;
  triage: TriageView;
  /** Incremented on every change; shown in the footer so a reader can tell updates apart. */
  version: number;
  acknowledgedAt?: Date;
  ackViaBot?: boolean;
  /** Slack user id when acknowledged through a bot button. */
  acknowledgedBy?: string;
  dismissed?: { by: string; at: Date };
  runs: IncidentRun[];
}
