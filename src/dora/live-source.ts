import { COLUMNS, type DeployRow, fromRow } from '../deploys/deploy-log.ts';
import { type DeployRecord, shortImage } from '../domain/deploys/deploy-record.ts';
import type { Incident } from '../domain/triage/schema.ts';
import type { Queryable } from '../store/db.ts';
import type { DoraChange, DoraIncident, DoraInput } from './schema.ts';

/** A change-log record as the DORA computation reads it: versions as people say them. */
export function changeFromRecord(record: DeployRecord): DoraChange {
  return {
    id: record.id,
    service: record.service,
    env: record.env,
    kind: record.kind,
    ...(record.what ? { what: record.what } : {}),
    ...(record.fromImage ? { from: shortImage(record.fromImage) } : {}),
    to: shortImage(record.toImage),
    at: record.at.toISOString(),
    by: record.by,
    ...(record.commit ? { commit: record.commit } : {}),
    // A commit time after the deploy is a clock or annotation error, not a negative lead time.
    ...(record.commitAt && record.commitAt <= record.at
      ? { commitAt: record.commitAt.toISOString() }
      : {}),
    outcome: record.outcome,
    ...(record.evidenceUrl ? { url: record.evidenceUrl } : {}),
  };
}

const latest = (times: string[]) =>
  times.reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b));

/**
 * A triage incident as DORA reads it: from its first signal to the last of its signals'
 * resolutions (none while any is unresolved), blamed on the newest deploy triage attached that
 * went out before the first signal.
 */
export function incidentFromTriage(
  incident: Incident,
  options: { url?: string } = {},
): DoraIncident | undefined {
  if (!incident.service || !incident.env) return undefined;
  const signals = incident.signals.filter((s) => s.source !== 'deploy');
  const resolved = signals.every((s) => s.resolvedAt !== undefined) && signals.length > 0;
  const openedAt = incident.firstSignalAt;
  const suspects = incident.deploys
    .filter(
      (d) => (d.deploy?.kind ?? 'deploy') === 'deploy' && Date.parse(d.at) <= Date.parse(openedAt),
    )
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const blamed = suspects.at(-1)?.deploy?.to;
  // Where people read about it: the PagerDuty incident, else the alert's own link.
  const url =
    options.url ??
    signals.map((s) => s.pagerduty?.url ?? s.link).find((l) => l && /^https?:\/\//.test(l));
  return {
    id: incident.id,
    service: incident.service,
    env: incident.env,
    openedAt,
    ...(resolved ? { resolvedAt: latest(signals.map((s) => s.resolvedAt as string)) } : {}),
    ...(blamed ? { changeRef: blamed } : {}),
    ...(url ? { url } : {}),
  };
}

/**
 * The change log and the triage incidents between `since` and `until`, widened by the
 * attribution window on both sides so a failure is seen whichever edge it falls near.
 * Incidents someone dismissed as noise are left out.
 */
export async function readLiveDoraInput(
  db: Queryable,
  window: { since: Date; until: Date; attributionWindowMs: number },
): Promise<DoraInput> {
  const from = new Date(window.since.getTime() - window.attributionWindowMs);
  const to = new Date(window.until.getTime() + window.attributionWindowMs);
  const changes = await db.query<DeployRow>(
    `SELECT ${COLUMNS} FROM deploys WHERE at >= $1 AND at < $2 ORDER BY at, id`,
    [from, to],
  );
  const incidents = await db.query<{ incident: Incident }>(
    `SELECT incident FROM incidents
     WHERE service IS NOT NULL AND dismissed_at IS NULL AND opened_at >= $1 AND opened_at < $2
     ORDER BY opened_at, id`,
    [from, to],
  );
  return {
    changes: changes.rows.map((row) => changeFromRecord(fromRow(row))),
    incidents: incidents.rows.flatMap((row) => {
      const found = incidentFromTriage(row.incident);
      return found ? [found] : [];
    }),
  };
}
