import type { Incident } from '../domain/triage/schema.ts';
import type {
  IncidentRun,
  IncidentState,
  TriageSubject,
  TriageView,
} from '../findings/triage-subject.ts';

/** An incident as stored: the triage subject plus where its message is and what was shown. */
export interface StoredIncident extends TriageSubject {
  /** The service, or '' for incidents no catalog service claims. */
  partition: string;
  pagerdutyIds: string[];
  message?: { channel: string; ts: string };
  /** The version the Slack message shows; behind `version` while an update is due. */
  publishedVersion: number;
  triggeredAt: Date;
}

/** A row of `incidents` as both database backends return it. */
export interface IncidentRow {
  id: string;
  partition_key: string;
  state: IncidentState;
  incident: Incident;
  triage: TriageView;
  pagerduty_ids: string[];
  slack_channel: string | null;
  slack_ts: string | null;
  version: number;
  published_version: number;
  triggered_at: Date;
  acknowledged_at: Date | null;
  ack_via_bot: boolean | null;
  acknowledged_by: string | null;
  dismissed_at: Date | null;
  dismissed_by: string | null;
  runs: IncidentRun[];
}

/** Every column but the two large documents, which writers already hold. */
export const SMALL_COLUMNS =
  'id, partition_key, state, pagerduty_ids, slack_channel, slack_ts, version, published_version, triggered_at, acknowledged_at, ack_via_bot, acknowledged_by, dismissed_at, dismissed_by, runs';

export const INCIDENT_COLUMNS = `${SMALL_COLUMNS}, incident, triage`;

/** A row as the stored incident the rest of the code reads. */
export function fromRow(row: IncidentRow): StoredIncident {
  const stored: StoredIncident = {
    id: row.id,
    partition: row.partition_key,
    state: row.state,
    incident: row.incident,
    triage: row.triage,
    version: Number(row.version),
    publishedVersion: Number(row.published_version),
    pagerdutyIds: row.pagerduty_ids ?? [],
    triggeredAt: new Date(row.triggered_at),
    runs: row.runs ?? [],
  };
  if (row.slack_channel && row.slack_ts) {
    stored.message = { channel: row.slack_channel, ts: row.slack_ts };
  }
  if (row.acknowledged_at) {
    stored.acknowledgedAt = new Date(row.acknowledged_at);
    stored.ackViaBot = row.ack_via_bot ?? false;
    if (row.acknowledged_by) stored.acknowledgedBy = row.acknowledged_by;
  }
  if (row.dismissed_at && row.dismissed_by) {
    stored.dismissed = { by: row.dismissed_by, at: new Date(row.dismissed_at) };
  }
  return stored;
}

/** The columns derived from a domain incident, in the order INSERT and UPDATE bind them. */
export function incidentValues(incident: Incident, triage: TriageView): unknown[] {
  const pagerduty = [
    ...new Set(incident.signals.flatMap((s) => (s.pagerduty ? [s.pagerduty.id] : []))),
  ];
  return [
    incident.service ?? '',
    incident.service ?? null,
    incident.env ?? null,
    incident.status === 'open' ? 'open' : 'resolved',
    JSON.stringify(incident),
    JSON.stringify(triage),
    pagerduty,
    new Date(incident.firstSignalAt),
    new Date(incident.openedAt),
    new Date(incident.updatedAt),
    incident.closedAt ? new Date(incident.closedAt) : null,
  ];
}
