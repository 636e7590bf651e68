import { randomBytes } from 'node:crypto';
import type {
  DrillLeg,
  DrillResult,
  SloImpact,
  TimelineEntry,
} from '../domain/drills/drill-result.ts';
import type { DrillPlan } from '../domain/drills/plan-drill.ts';
import type { Db, Queryable } from '../store/db.ts';

/** Where a drill stands. `restore_failed` waits for a person (Retry restore, or by hand). */
export type DrillState =
  | 'awaiting_run'
  | 'measuring'
  | 'restoring'
  | 'restore_failed'
  | 'finished'
  | 'cancelled';

/** Measurements so far, saved as they come so a restart keeps them. */
export interface DrillProgress {
  timeline: TimelineEntry[];
  legs: DrillLeg[];
  sloImpact: SloImpact[];
  recoverySeconds?: number | null;
  recoveredAt?: string;
  /** The latest sample, in words ("2/3 pods ready"). */
  now?: string;
  /** Fault pods a pod-kill deleted: they do not count as recovered replicas. */
  deletedPods?: string[];
  /** Why the restore failed (restore_failed), or the fault could not be measured. */
  problem?: string;
  /** A Retry restore that worked after the restore failed: who, when (the outcome stays). */
  restoredBy?: string;
  restoredAt?: string;
}

export interface Drill {
  id: string;
  scenario: string;
  service: string;
  env: string;
  requester: string;
  reason?: string;
  plan: DrillPlan;
  state: DrillState;
  outcome?: DrillResult['outcome'];
  faultRun: string;
  restoreRun?: string;
  incident?: string;
  message?: { channel: string; ts: string };
  createdAt: Date;
  injectedAt?: Date;
  restoreDeadline?: Date;
  restoreStartedAt?: Date;
  finishedAt?: Date;
  abortRequestedBy?: string;
  progress: DrillProgress;
  result?: DrillResult;
}

interface Row {
  id: string;
  scenario: string;
  service: string;
  env: string;
  requester: string;
  reason: string | null;
  plan: unknown;
  state: DrillState;
  outcome: DrillResult['outcome'] | null;
  fault_run: string;
  restore_run: string | null;
  incident: string | null;
  channel: string | null;
  message_ts: string | null;
  created_at: Date | string;
  injected_at: Date | string | null;
  restore_deadline: Date | string | null;
  restore_started_at: Date | string | null;
  finished_at: Date | string | null;
  abort_requested_by: string | null;
  progress: unknown;
  result: unknown;
}

const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;
const date = (value: Date | string | null) => (value === null ? undefined : new Date(value));

function toDrill(row: Row): Drill {
  const optional = {
    reason: row.reason ?? undefined,
    outcome: row.outcome ?? undefined,
    restoreRun: row.restore_run ?? undefined,
    incident: row.incident ?? undefined,
    message:
      row.channel && row.message_ts ? { channel: row.channel, ts: row.message_ts } : undefined,
    injectedAt: date(row.injected_at),
    restoreDeadline: date(row.restore_deadline),
    restoreStartedAt: date(row.restore_started_at),
    finishedAt: date(row.finished_at),
    abortRequestedBy: row.abort_requested_by ?? undefined,
    result: row.result === null ? undefined : json<DrillResult>(row.result),
  };
  const drill: Drill = {
    id: row.id,
    scenario: row.scenario,
    service: row.service,
    env: row.env,
    requester: row.requester,
    plan: json<DrillPlan>(row.plan),
    state: row.state,
    faultRun: row.fault_run,
    createdAt: new Date(row.created_at),
    progress: json<DrillProgress>(row.progress),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(drill, { [key]: value });
  }
  return drill;
}

/** Columns a drill may change after it is created, by field name. */
const COLUMNS = {
  state: 'state',
  outcome: 'outcome',
  restoreRun: 'restore_run',
  incident: 'incident',
  injectedAt: 'injected_at',
  restoreDeadline: 'restore_deadline',
  restoreStartedAt: 'restore_started_at',
  finishedAt: 'finished_at',
  abortRequestedBy: 'abort_requested_by',
  progress: 'progress',
  result: 'result',
} as const;
export type DrillPatch = Partial<Pick<Drill, keyof typeof COLUMNS>>;

/** Thrown when a drill is already in flight for the same service and environment. */
export class DrillBusyError extends Error {}

/** A new drill's id. */
export function newDrillId(): string {
  return `d_${randomBytes(6).toString('hex')}`;
}

/** Drills, persisted: a restart finds every drill in flight and its restore deadline. */
export interface DrillStore {
  /** Stores a new drill under `id` (from newDrillId(), so its lease can be taken first). */
  create(
    input: Omit<Drill, 'createdAt' | 'state' | 'progress'> & { createdAt: Date },
  ): Promise<Drill>;
  get(id: string): Promise<Drill | undefined>;
  /** The drill whose fault run this is. */
  byRun(runId: string): Promise<Drill | undefined>;
  attach(id: string, message: { channel: string; ts: string }): Promise<void>;
  /** Applies `patch`; with `from`, only if the drill is in one of those states (else false). */
  update(id: string, patch: DrillPatch, from?: DrillState[]): Promise<boolean>;
  /** Drills not finished nor cancelled, oldest first. */
  unfinished(): Promise<Drill[]>;
}

/** The drills table over the store (PGlite or PostgreSQL). */
export function createDrillStore(db: Db): DrillStore {
  const one = async (q: Queryable, where: string, value: string) => {
    const { rows } = await q.query<Row>(`SELECT * FROM drills WHERE ${where} = $1`, [value]);
    return rows[0] ? toDrill(rows[0]) : undefined;
  };
  return {
    async create(input) {
      const { id } = input;
      try {
        await db.query(
          `INSERT INTO drills (id, scenario, service, env, requester, reason, plan, state, fault_run,
             incident, created_at, progress)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'awaiting_run', $8, $9, $10, $11)`,
          [
            id,
            input.scenario,
            input.service,
            input.env,
            input.requester,
            input.reason ?? null,
            JSON.stringify(input.plan),
            input.faultRun,
            input.incident ?? null,
            input.createdAt,
            JSON.stringify({ timeline: [], legs: [], sloImpact: [] }),
          ],
        );
      } catch (error) {
        if ((error as { code?: unknown }).code === '23505') {
          throw new DrillBusyError(`a drill is already running on ${input.service}/${input.env}`);
        }
        throw error;
      }
      const drill = await one(db, 'id', id);
      if (!drill) throw new Error(`drill ${id} vanished right after it was stored`);
      return drill;
    },
    get: (id) => one(db, 'id', id),
    byRun: (runId) => one(db, 'fault_run', runId),
    async attach(id, message) {
      await db.query('UPDATE drills SET channel = $2, message_ts = $3 WHERE id = $1', [
        id,
        message.channel,
        message.ts,
      ]);
    },
    async update(id, patch, from) {
      const sets: string[] = [];
      const values: unknown[] = [id];
      for (const [key, column] of Object.entries(COLUMNS)) {
        if (!Object.hasOwn(patch, key)) continue;
        const value = patch[key as keyof DrillPatch];
        values.push(
          key === 'progress' || key === 'result' ? JSON.stringify(value ?? null) : (value ?? null),
        );
        sets.push(`${column} = $${values.length}`);
      }
      if (sets.length === 0) return true;
      let where = 'id = $1';
      if (from) {
        values.push(from);
        where += ` AND state = ANY($${values.length}::text[])`;
      }
      const result = await db.query(
        `UPDATE drills SET ${sets.join(', ')} WHERE ${where} RETURNING id`,
        values,
      );
      return result.rows.length > 0;
    },
    async unfinished() {
      const { rows } = await db.query<Row>(
        `SELECT * FROM drills WHERE state NOT IN ('finished', 'cancelled') ORDER BY created_at`,
      );
      return rows.map(toDrill);
    },
  };
}
