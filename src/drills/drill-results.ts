import { DRILL_FINISHED, type DrillResult, drillSubject } from '../domain/drills/drill-result.ts';
import type { Queryable } from '../store/db.ts';

export interface DrillResults {
  /** Finished drills of a service in an environment since a time, newest first. */
  recent(query: {
    service: string;
    env: string;
    since: Date;
    scenario?: string;
    limit?: number;
  }): Promise<DrillResult[]>;
}

/** Reads drill results back from the ledger (kind `drill.finished`, indexed by kind and time). */
export function createDrillResults(db: Queryable): DrillResults {
  return {
    async recent(query) {
      const { rows } = await db.query<{ data: string }>(
        `SELECT data FROM ledger_entries
          WHERE kind = $1 AND subject = $2 AND at >= $3
          ORDER BY seq DESC LIMIT $4`,
        [DRILL_FINISHED, drillSubject(query.service, query.env), query.since, query.limit ?? 200],
      );
      return rows
        .map((row) => JSON.parse(row.data) as DrillResult)
        .filter((r) => query.scenario === undefined || r.scenario === query.scenario);
    },
  };
}
