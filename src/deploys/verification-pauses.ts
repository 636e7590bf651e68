import type { WindowState } from '../domain/deploys/verification-window.ts';
import type { Queryable } from '../store/db.ts';

export type VerificationDecision = 'continue' | 'rollback';

/** A paused verification window as stored (migration 011): survives a restart. */
export interface StoredPause {
  runId: string;
  decider: string;
  reason: string;
  state: WindowState;
  pausedAt: Date;
  decision?: { decision: VerificationDecision; by: string };
}

/** Where paused windows and their decisions live; the database one, or a map in unit tests. */
export interface PauseStore {
  /** Stores (or replaces, undecided) the pause of a run. */
  save(pause: Omit<StoredPause, 'decision'>): Promise<void>;
  read(runId: string): Promise<StoredPause | undefined>;
  /** Writes the decision once; false when it was already decided or there is no pause. */
  decide(runId: string, decision: VerificationDecision, by: string, at: Date): Promise<boolean>;
  /** The run's window ended: nothing left to decide. */
  clear(runId: string): Promise<void>;
}

interface PauseRow {
  run_id: string;
  decider: string;
  reason: string;
  window_state: WindowState | string;
  paused_at: Date | string;
  decision: VerificationDecision | null;
  decided_by: string | null;
}

/** Pauses in the `run_pauses` table. */
export function createPauseStore(db: Queryable): PauseStore {
  return {
    async save(p) {
      await db.query(
        `INSERT INTO run_pauses (run_id, decider, reason, window_state, paused_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (run_id) DO UPDATE SET decider = $2, reason = $3, window_state = $4,
           paused_at = $5, decision = NULL, decided_by = NULL, decided_at = NULL`,
        [p.runId, p.decider, p.reason, JSON.stringify(p.state), p.pausedAt],
      );
    },
    async read(runId) {
      const { rows } = await db.query<PauseRow>('SELECT * FROM run_pauses WHERE run_id = $1', [
        runId,
      ]);
      const row = rows[0];
      if (!row) return undefined;
      const state =
        typeof row.window_state === 'string'
          ? (JSON.parse(row.window_state) as WindowState)
          : row.window_state;
      return {
        runId: row.run_id,
        decider: row.decider,
        reason: row.reason,
        state,
        pausedAt: new Date(row.paused_at),
        ...(row.decision ? { decision: { decision: row.decision, by: row.decided_by ?? '' } } : {}),
      };
    },
    async decide(runId, decision, by, at) {
      const { rows } = await db.query(
        `UPDATE run_pauses SET decision = $2, decided_by = $3, decided_at = $4
         WHERE run_id = $1 AND decision IS NULL RETURNING run_id`,
        [runId, decision, by, at],
      );
      return rows.length > 0;
    },
    async clear(runId) {
      await db.query('DELETE FROM run_pauses WHERE run_id = $1', [runId]);
    },
  };
}

/** Pauses in memory: for unit tests and for a bot without a database. */
export function memoryPauseStore(): PauseStore {
  const pauses = new Map<string, StoredPause>();
  return {
    async save(p) {
      pauses.set(p.runId, { ...p });
    },
    async read(runId) {
      const found = pauses.get(runId);
      return found ? structuredClone(found) : undefined;
    },
    async decide(runId, decision, by) {
      const found = pauses.get(runId);
      if (!found || found.decision) return false;
      found.decision = { decision, by };
      return true;
    },
    async clear(runId) {
      pauses.delete(runId);
    },
  };
}
