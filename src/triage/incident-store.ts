import type { Incident } from '../domain/triage/schema.ts';
import type { IncidentRun, TriageView } from '../findings/triage-subject.ts';
import type { Db, Queryable } from '../store/db.ts';
import {
  fromRow,
  INCIDENT_COLUMNS,
  type IncidentRow,
  incidentValues,
  SMALL_COLUMNS,
  type StoredIncident,
} from './incident-rows.ts';

export type { StoredIncident } from './incident-rows.ts';

/** Where a message is to be published: enough to pick its channel without reading the row. */
export interface IncidentRef {
  id: string;
  service?: string;
  message?: { channel: string; ts: string };
}

/** What a cached incident is checked against (no large documents). */
export interface LiveVersion {
  id: string;
  version: number;
  publishedVersion: number;
  message?: { channel: string; ts: string };
}

/** Incidents in the database (migration 040). Each change bumps `version`. */
export interface IncidentStore {
  /** Runs fn in one transaction holding the partition's advisory lock. */
  withPartition<T>(partition: string, fn: (q: Queryable) => Promise<T>): Promise<T>;
  /** Closes the partition's incidents resolved before `before`: nothing joins them any more. */
  closeStale(q: Queryable, partition: string, before: Date): Promise<void>;
  /** Versions and message state of the partition's live incidents: cheap, to check a cache. */
  liveVersions(q: Queryable, partition: string): Promise<LiveVersion[]>;
  /** The partition's live incidents (or only those of `ids`), oldest first. */
  livePartition(q: Queryable, partition: string, ids?: string[]): Promise<StoredIncident[]>;
  /** A fresh `inc-N` id. */
  nextId(q: Queryable): Promise<string>;
  insert(q: Queryable, incident: Incident, triage: TriageView): Promise<StoredIncident>;
  update(q: Queryable, incident: Incident, triage: TriageView): Promise<StoredIncident>;
  get(id: string, q?: Queryable): Promise<StoredIncident | undefined>;
  /** Live incidents (of a service), newest first. */
  live(filter?: { service?: string; limit?: number }): Promise<StoredIncident[]>;
  /** Incidents whose message is behind their version, oldest first. */
  unpublished(limit?: number): Promise<IncidentRef[]>;
  /**
   * Records the message and the version it shows; once only (false when one was recorded
   * already) unless `replace` (the old message was deleted).
   */
  attachMessage(
    id: string,
    message: { channel: string; ts: string },
    version: number,
    options?: { replace?: boolean },
  ): Promise<boolean>;
  markPublished(id: string, version: number): Promise<void>;
  /** Sets the acknowledgement once; undefined when it was already acknowledged. */
  acknowledge(
    id: string,
    ack: { at: Date; viaBot: boolean; by?: string },
    q?: Queryable,
  ): Promise<StoredIncident | undefined>;
  dismiss(id: string, by: string, at: Date): Promise<StoredIncident | undefined>;
  addRun(id: string, run: IncidentRun): Promise<StoredIncident | undefined>;
}

const SELECT = `SELECT ${INCIDENT_COLUMNS} FROM incidents`;

/** The incident store over a migrated database. */
export function createIncidentStore(db: Db): IncidentStore {
  const one = async (q: Queryable, sql: string, params: unknown[]) => {
    const { rows } = await q.query<IncidentRow>(sql, params);
    return rows[0] ? fromRow(rows[0]) : undefined;
  };
  // Writers hold the documents they wrote: read back only the small columns.
  const written = async (
    q: Queryable,
    incident: Incident,
    triage: TriageView,
    sql: string,
    params: unknown[],
  ) => {
    const { rows } = await q.query<Omit<IncidentRow, 'incident' | 'triage'>>(sql, params);
    return rows[0] ? fromRow({ ...rows[0], incident, triage }) : undefined;
  };
  return {
    withPartition(partition, fn) {
      return db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`incidents:${partition}`]);
        return fn(tx);
      });
    },
    async closeStale(q, partition, before) {
      await q.query(
        `UPDATE incidents SET state = 'closed'
         WHERE partition_key = $1 AND state = 'resolved' AND closed_at < $2`,
        [partition, before],
      );
    },
    async liveVersions(q, partition) {
      const { rows } = await q.query<
        Pick<IncidentRow, 'id' | 'version' | 'published_version' | 'slack_channel' | 'slack_ts'>
      >(
        `SELECT id, version, published_version, slack_channel, slack_ts FROM incidents
         WHERE partition_key = $1 AND state <> 'closed'`,
        [partition],
      );
      return rows.map((r) => ({
        id: r.id,
        version: Number(r.version),
        publishedVersion: Number(r.published_version),
        ...(r.slack_channel && r.slack_ts
          ? { message: { channel: r.slack_channel, ts: r.slack_ts } }
          : {}),
      }));
    },
    async livePartition(q, partition, ids) {
      const only = ids ? ' AND id = ANY($2::text[])' : '';
      const { rows } = await q.query<IncidentRow>(
        `${SELECT} WHERE partition_key = $1 AND state <> 'closed'${only} ORDER BY opened_at, id`,
        ids ? [partition, ids] : [partition],
      );
      return rows.map(fromRow);
    },
    async nextId(q) {
      const { rows } = await q.query<{ n: string }>("SELECT nextval('incident_seq') AS n");
      return `inc-${rows[0]?.n}`;
    },
    async insert(q, incident, triage) {
      const row = await written(
        q,
        incident,
        triage,
        `INSERT INTO incidents (id, partition_key, service, env, state, incident, triage,
           pagerduty_ids, triggered_at, opened_at, updated_at, closed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING ${SMALL_COLUMNS}`,
        [incident.id, ...incidentValues(incident, triage)],
      );
      if (!row) throw new Error(`incident ${incident.id} was not inserted`);
      return row;
    },
    async update(q, incident, triage) {
      const row = await written(
        q,
        incident,
        triage,
        `UPDATE incidents SET partition_key = $2, service = $3, env = $4, state = $5,
           incident = $6, triage = $7, pagerduty_ids = $8, triggered_at = $9, opened_at = $10,
           updated_at = $11, closed_at = $12, version = version + 1
         WHERE id = $1 RETURNING ${SMALL_COLUMNS}`,
        [incident.id, ...incidentValues(incident, triage)],
      );
      if (!row) throw new Error(`incident ${incident.id} is not stored`);
      return row;
    },
    get: (id, q = db) => one(q, `${SELECT} WHERE id = $1`, [id]),
    async live(filter = {}) {
      const params: unknown[] = [filter.limit ?? 100];
      const where = ["state <> 'closed'"];
      if (filter.service !== undefined) {
        params.push(filter.service);
        where.push(`service = $${params.length}`);
      }
      const { rows } = await db.query<IncidentRow>(
        `${SELECT} WHERE ${where.join(' AND ')} ORDER BY opened_at DESC LIMIT $1`,
        params,
      );
      return rows.map(fromRow);
    },
    async unpublished(limit = 500) {
      const { rows } = await db.query<{
        id: string;
        service: string | null;
        slack_channel: string | null;
        slack_ts: string | null;
      }>(
        `SELECT id, service, slack_channel, slack_ts FROM incidents
         WHERE published_version < version ORDER BY updated_at LIMIT $1`,
        [limit],
      );
      return rows.map((r) => ({
        id: r.id,
        ...(r.service ? { service: r.service } : {}),
        ...(r.slack_channel && r.slack_ts
          ? { message: { channel: r.slack_channel, ts: r.slack_ts } }
          : {}),
      }));
    },
    async attachMessage(id, message, version, options = {}) {
      const once = options.replace ? '' : ' AND slack_ts IS NULL';
      const { rowCount } = await db.query(
        `UPDATE incidents SET slack_channel = $2, slack_ts = $3,
           published_version = GREATEST(published_version, $4)
         WHERE id = $1${once}`,
        [id, message.channel, message.ts, version],
      );
      return rowCount > 0;
    },
    async markPublished(id, version) {
      await db.query(
        'UPDATE incidents SET published_version = GREATEST(published_version, $2) WHERE id = $1',
        [id, version],
      );
    },
    acknowledge: (id, ack, q = db) =>
      one(
        q,
        `UPDATE incidents SET acknowledged_at = $2, ack_via_bot = $3, acknowledged_by = $4,
           version = version + 1
         WHERE id = $1 AND acknowledged_at IS NULL RETURNING ${INCIDENT_COLUMNS}`,
        [id, ack.at, ack.viaBot, ack.by ?? null],
      ),
    dismiss: (id, by, at) =>
      one(
        db,
        `UPDATE incidents SET dismissed_at = $3, dismissed_by = $2, version = version + 1
         WHERE id = $1 RETURNING ${INCIDENT_COLUMNS}`,
        [id, by, at],
      ),
    addRun: (id, run) =>
      one(
        db,
        `UPDATE incidents SET runs = runs || $2::jsonb, version = version + 1
         WHERE id = $1 RETURNING ${INCIDENT_COLUMNS}`,
        [id, JSON.stringify([run])],
      ),
  };
}
