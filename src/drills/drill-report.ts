import { DRILL_FINISHED, type DrillResult } from '../domain/drills/drill-result.ts';
import type { Queryable } from '../store/db.ts';

/**
 * Finished drills since a time, newest first, of one service (any environment) or of all:
 * read from the ledger's `drill.finished` entries, the same ones the release gate reads.
 */
export async function listDrillResults(
  db: Queryable,
  query: { service?: string | undefined; since: Date; limit?: number },
): Promise<DrillResult[]> {
  const subject = query.service ? `drill:${query.service}:%` : 'drill:%';
  const { rows } = await db.query<{ data: unknown }>(
    `SELECT data FROM ledger_entries
      WHERE kind = $1 AND subject LIKE $2 AND at >= $3
      ORDER BY seq DESC LIMIT $4`,
    [DRILL_FINISHED, subject, query.since, query.limit ?? 30],
  );
  return rows.map(
    (row) => (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as DrillResult,
  );
}
