import type { Approval } from '../domain/policy/index.ts';
import type { RunState, RunStep } from '../domain/runs/index.ts';
import type { Queryable } from '../store/db.ts';
import { fromRow, type RunRow, type StoredRun } from './run-row.ts';
import type { VerificationSummary } from './verification-summary.ts';

export type { Restore, StoredRun } from './run-row.ts';

/** Columns a conditional update may set; `null` clears one. */
export interface RunPatch {
  state?: RunState;
  steps?: RunStep[];
  error?: string | null;
  ownerId?: string | null;
  heartbeatAt?: Date | null;
  interruptedFrom?: 'executing' | 'reverting' | null;
  finishedAt?: Date | null;
  evidenceId?: string;
  evidenceUrl?: string;
  channel?: string;
  messageTs?: string;
  updatedAt?: Date;
  verification?: VerificationSummary;
}

const COLUMN: Record<keyof RunPatch, string> = {
  state: 'state',
  steps: 'steps',
  error: 'error',
  ownerId: 'owner_id',
  heartbeatAt: 'owner_heartbeat_at',
  interruptedFrom: 'interrupted_from',
  finishedAt: 'finished_at',
  evidenceId: 'evidence_id',
  evidenceUrl: 'evidence_url',
  channel: 'channel',
  messageTs: 'message_ts',
  updatedAt: 'updated_at',
  verification: 'verification',
};

/** Inserts a new run; a second active run on its target fails with unique_violation (23505). */
export async function insertRun(q: Queryable, s: StoredRun): Promise<void> {
  const { run } = s;
  await q.query(
    `INSERT INTO runs (id, verb, service, env, requester, reason, state, plan_hash, steps, plans,
       requirements, restores, channel, revert_of, created_at, updated_at, expires_at, team_id,
       thread_ts, kube_identity)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb, $11::jsonb, $12::jsonb, $13,
       $14, $15, $15, $16, $17, $18, $19::jsonb)`,
    [
      run.id,
      run.verb,
      run.target.service,
      run.target.env,
      run.requester,
      run.reason ?? null,
      run.state,
      run.planHash,
      JSON.stringify(run.steps),
      JSON.stringify(s.plans),
      JSON.stringify(s.requirements),
      s.restores ? JSON.stringify(s.restores) : null,
      run.channel ?? null,
      run.revertOf ?? null,
      run.createdAt,
      run.expiresAt,
      s.team ?? null,
      s.threadTs ?? null,
      s.kubeIdentity ? JSON.stringify(s.kubeIdentity) : null,
    ],
  );
}

/** One run; `forUpdate` locks its row until the transaction ends (serializes clicks). */
export async function readRun(
  q: Queryable,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<StoredRun | undefined> {
  const { rows } = await q.query<RunRow>(
    `SELECT * FROM runs WHERE id = $1${options.forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0] ? fromRow(rows[0]) : undefined;
}

/**
 * Changes a run only if it is still in `expected.state` (and owned by `expected.ownerId`,
 * when given): the one primitive every state change goes through. Undefined: someone else
 * changed it first, and the caller must not act.
 */
export async function updateRun(
  q: Queryable,
  id: string,
  expected: { state: RunState; ownerId?: string },
  patch: RunPatch,
): Promise<StoredRun | undefined> {
  const sets: string[] = [];
  const params: unknown[] = [id, expected.state];
  for (const [key, value] of Object.entries(patch) as [keyof RunPatch, unknown][]) {
    if (value === undefined) continue;
    const json = key === 'steps' || key === 'verification';
    params.push(json ? JSON.stringify(value) : value);
    sets.push(`${COLUMN[key]} = $${params.length}${json ? '::jsonb' : ''}`);
  }
  let where = 'id = $1 AND state = $2';
  if (expected.ownerId !== undefined) {
    params.push(expected.ownerId);
    where += ` AND owner_id = $${params.length}`;
  }
  const { rows } = await q.query<RunRow>(
    `UPDATE runs SET ${sets.join(', ')} WHERE ${where} RETURNING *`,
    params,
  );
  return rows[0] ? fromRow(rows[0]) : undefined;
}

/** Runs matching a WHERE clause over `runs`, newest first. */
export async function selectRuns(
  q: Queryable,
  where: string,
  params: unknown[] = [],
): Promise<StoredRun[]> {
  const { rows } = await q.query<RunRow>(
    `SELECT * FROM runs WHERE ${where} ORDER BY created_at DESC, id`,
    params,
  );
  return rows.map(fromRow);
}

/** A run's approvals, oldest first. */
export async function readApprovals(q: Queryable, runId: string): Promise<Approval[]> {
  const { rows } = await q.query<{
    user_id: string;
    role: string;
    plan_hash: string;
    comment: string | null;
    at: Date;
  }>(
    'SELECT user_id, role, plan_hash, comment, at FROM run_approvals WHERE run_id = $1 ORDER BY at, user_id',
    [runId],
  );
  return rows.map((r) => ({
    userId: r.user_id,
    role: r.role,
    planHash: r.plan_hash,
    at: r.at,
    ...(r.comment ? { comment: r.comment } : {}),
  }));
}

/** Records one approval (a person's newer approval of the same plan replaces theirs). */
export async function insertApproval(q: Queryable, runId: string, a: Approval): Promise<void> {
  await q.query(
    `INSERT INTO run_approvals (run_id, user_id, role, plan_hash, comment, at)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (run_id, user_id, plan_hash)
     DO UPDATE SET role = EXCLUDED.role, comment = EXCLUDED.comment, at = EXCLUDED.at`,
    [runId, a.userId, a.role, a.planHash, a.comment ?? null, a.at],
  );
}
