import type { Queryable } from '../store/db.ts';

/** What the evidence page of a scorecard shows, stored when it is posted. */
export interface StoredScorecard {
  period: string;
  since: Date;
  until: Date;
  state: 'claimed' | 'posted' | 'failed';
  report: unknown;
  channel?: string;
  fileId?: string;
  error?: string;
}

interface Row {
  period: string;
  since: Date;
  until: Date;
  state: StoredScorecard['state'];
  report: unknown;
  slack_channel: string | null;
  slack_file_id: string | null;
  error: string | null;
}

/**
 * Claims a period's scorecard for this process: one INSERT that only the first replica wins
 * (the period is the primary key), so the scorecard is posted exactly once.
 */
export async function claimScorecard(
  db: Queryable,
  claim: { period: string; since: Date; until: Date; owner: string; at: Date },
): Promise<boolean> {
  const { rows } = await db.query<{ period: string }>(
    `INSERT INTO dora_scorecards (period, since, until, claimed_by, claimed_at, state)
     VALUES ($1, $2, $3, $4, $5, 'claimed') ON CONFLICT (period) DO NOTHING RETURNING period`,
    [claim.period, claim.since, claim.until, claim.owner, claim.at],
  );
  return rows.length === 1;
}

/** Records how a claimed scorecard ended: posted (with what it showed) or failed (why). */
export async function finishScorecard(
  db: Queryable,
  period: string,
  end: {
    state: 'posted' | 'failed';
    report?: unknown;
    channel?: string;
    fileId?: string;
    error?: string;
    at: Date;
  },
): Promise<void> {
  await db.query(
    `UPDATE dora_scorecards SET state = $2, report = $3, slack_channel = $4, slack_file_id = $5,
       error = $6, finished_at = $7 WHERE period = $1`,
    [
      period,
      end.state,
      end.report === undefined ? null : JSON.stringify(end.report),
      end.channel ?? null,
      end.fileId ?? null,
      end.error ?? null,
      end.at,
    ],
  );
}

/** One stored scorecard, for its evidence page. */
export async function readScorecard(
  db: Queryable,
  period: string,
): Promise<StoredScorecard | undefined> {
  const { rows } = await db.query<Row>(
    `SELECT period, since, until, state, report, slack_channel, slack_file_id, error
     FROM dora_scorecards WHERE period = $1`,
    [period],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    period: row.period,
    since: new Date(row.since),
    until: new Date(row.until),
    state: row.state,
    report: row.report,
    ...(row.slack_channel ? { channel: row.slack_channel } : {}),
    ...(row.slack_file_id ? { fileId: row.slack_file_id } : {}),
    ...(row.error ? { error: row.error } : {}),
  };
}
