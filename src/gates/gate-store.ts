import { randomBytes } from 'node:crypto';
import type { Db } from '../store/db.ts';
import type { GateResult, Waiver } from './decide-gate.ts';
import type { RecordedSignOff } from './sign-offs.ts';

export interface GateRun {
  id: string;
  setId: string;
  service: string;
  env: string;
  version: string;
  requester: string;
  results: GateResult[];
  digest: string;
  evaluatedAt: Date;
  message?: { channel: string; ts: string };
  /** The last decision recorded as evidence: its key and the evidence page. */
  decisionKey?: string;
  decisionEvidenceUrl?: string;
}

/** A waiver as stored. */
export interface StoredWaiver extends Waiver {
  id: number;
  gateId: string;
  at: Date;
}

interface Row {
  id: string;
  set_id: string;
  service: string;
  env: string;
  version: string;
  requester: string;
  results: GateResult[] | string;
  digest: string;
  evaluated_at: Date | string;
  channel: string | null;
  ts: string | null;
  decision_key: string | null;
  decision_evidence_url: string | null;
}

interface WaiverRow {
  id: string | number;
  gate_id: string;
  gate_name: string;
  waived_by: string;
  reason: string;
  waived_at: Date | string;
  expires_at: Date | string;
}

const toWaiver = (r: WaiverRow): StoredWaiver => ({
  id: Number(r.id),
  gateId: r.gate_id,
  gate: r.gate_name,
  by: r.waived_by,
  reason: r.reason,
  at: new Date(r.waived_at),
  expiresAt: new Date(r.expires_at),
});

const parsed = <T>(value: T | string): T =>
  typeof value === 'string' ? (JSON.parse(value) as T) : value;

function toRun(row: Row): GateRun {
  return {
    id: row.id,
    setId: row.set_id,
    service: row.service,
    env: row.env,
    version: row.version,
    requester: row.requester,
    results: parsed(row.results),
    digest: row.digest,
    evaluatedAt: new Date(row.evaluated_at),
    ...(row.channel && row.ts ? { message: { channel: row.channel, ts: row.ts } } : {}),
    ...(row.decision_key ? { decisionKey: row.decision_key } : {}),
    ...(row.decision_evidence_url ? { decisionEvidenceUrl: row.decision_evidence_url } : {}),
  };
}

/** Gate evaluations and their sign-offs, so a restart loses neither. */
export function createGateStore(db: Db) {
  return {
    async create(run: Omit<GateRun, 'id' | 'message'>): Promise<GateRun> {
      const id = `g_${randomBytes(6).toString('hex')}`;
      await db.query(
        `INSERT INTO gate_runs (id, set_id, service, env, version, requester, results, digest, evaluated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          id,
          run.setId,
          run.service,
          run.env,
          run.version,
          run.requester,
          JSON.stringify(run.results),
          run.digest,
          run.evaluatedAt,
        ],
      );
      return { ...run, id };
    },
    async get(id: string): Promise<GateRun | undefined> {
      const { rows } = await db.query<Row>('SELECT * FROM gate_runs WHERE id = $1', [id]);
      return rows[0] ? toRun(rows[0]) : undefined;
    },
    async attach(id: string, message: { channel: string; ts: string }): Promise<void> {
      await db.query('UPDATE gate_runs SET channel = $2, ts = $3 WHERE id = $1', [
        id,
        message.channel,
        message.ts,
      ]);
    },
    async reevaluated(id: string, results: GateResult[], digest: string, at: Date): Promise<void> {
      await db.query(
        'UPDATE gate_runs SET results = $2, digest = $3, evaluated_at = $4 WHERE id = $1',
        [id, JSON.stringify(results), digest, at],
      );
    },
    async signOffs(id: string): Promise<RecordedSignOff[]> {
      const { rows } = await db.query<{
        role: string;
        signed_by: string;
        signed_at: Date | string;
        comment: string | null;
        digest: string;
      }>('SELECT * FROM gate_signoffs WHERE gate_id = $1 ORDER BY signed_at', [id]);
      return rows.map((r) => ({
        role: r.role,
        by: r.signed_by,
        at: new Date(r.signed_at),
        digest: r.digest,
        ...(r.comment ? { comment: r.comment } : {}),
      }));
    },
    async addSignOff(id: string, s: RecordedSignOff): Promise<void> {
      await db.query(
        `INSERT INTO gate_signoffs (gate_id, role, signed_by, signed_at, comment, digest)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [id, s.role, s.by, s.at, s.comment ?? null, s.digest],
      );
    },
    /** Every waiver given on an evaluation, oldest first (expired ones too). */
    async waivers(id: string): Promise<StoredWaiver[]> {
      const { rows } = await db.query<WaiverRow>(
        'SELECT * FROM gate_waivers WHERE gate_id = $1 ORDER BY waived_at, id',
        [id],
      );
      return rows.map(toWaiver);
    },
    async addWaiver(id: string, w: Waiver & { at: Date }): Promise<StoredWaiver> {
      const { rows } = await db.query<WaiverRow>(
        `INSERT INTO gate_waivers (gate_id, gate_name, waived_by, reason, waived_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
        [id, w.gate, w.by, w.reason, w.at, w.expiresAt],
      );
      return toWaiver(rows[0]!);
    },
    /** Waivers past their expiry the bot has not acted on yet, soonest first. */
    async expiredUnnoted(now: Date): Promise<StoredWaiver[]> {
      const { rows } = await db.query<WaiverRow>(
        `SELECT * FROM gate_waivers WHERE expiry_noted_at IS NULL AND expires_at <= $1
         ORDER BY expires_at, id`,
        [now],
      );
      return rows.map(toWaiver);
    },
    /** Claims an expired waiver (false when another process did already). */
    async noteExpiry(waiverId: number, at: Date): Promise<boolean> {
      const { rows } = await db.query(
        `UPDATE gate_waivers SET expiry_noted_at = $2
          WHERE id = $1 AND expiry_noted_at IS NULL RETURNING id`,
        [waiverId, at],
      );
      return rows.length > 0;
    },
    /** When the next unnoted waiver expires, if any does. */
    async nextExpiry(): Promise<Date | undefined> {
      const { rows } = await db.query<{ next: Date | string | null }>(
        'SELECT min(expires_at) AS next FROM gate_waivers WHERE expiry_noted_at IS NULL',
      );
      return rows[0]?.next ? new Date(rows[0].next) : undefined;
    },
    async decided(id: string, key: string, evidenceUrl: string): Promise<void> {
      await db.query(
        'UPDATE gate_runs SET decision_key = $2, decision_evidence_url = $3 WHERE id = $1',
        [id, key, evidenceUrl],
      );
    },
  };
}
export type GateStore = ReturnType<typeof createGateStore>;
