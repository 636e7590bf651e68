import { randomBytes } from 'node:crypto';
import type {
  ChangeWhat,
  DeployKind,
  DeployOutcome,
  DeployRecord,
} from '../domain/deploys/deploy-record.ts';
import type { Ledger } from '../evidence/ledger/create-ledger.ts';
import type { Db, Queryable } from '../store/db.ts';

/** A deploy as its maker reports it; id, time and the `verifying` outcome are filled in. */
export type NewDeploy = Omit<DeployRecord, 'id' | 'at' | 'outcome'> & {
  at?: Date;
  outcome?: DeployOutcome;
};

/** How a deploy ended, once the rollout and verification window decided. */
export interface DeployFinish {
  outcome: Exclude<DeployOutcome, 'verifying'>;
  evidenceUrl?: string;
}

/**
 * The change log (it grew from the deploy log, hence the names): every recorded change to a
 * workload, whatever made it, each one also a ledger entry.
 */
export interface DeployLog {
  /** Inserts the record and appends `deploy.recorded`, in `options.tx` or a transaction of its own. */
  recordDeploy(deploy: NewDeploy, options?: { tx?: Queryable }): Promise<DeployRecord>;
  /**
   * Sets the outcome of a `verifying` record and appends `deploy.finished`. Undefined (and no
   * ledger entry) when the id is unknown or the outcome was already set: it is set once.
   */
  finishDeploy(
    id: string,
    finish: DeployFinish,
    options?: { tx?: Queryable },
  ): Promise<DeployRecord | undefined>;
  /** Records at or after `since`, newest first (at most `limit`, default 100). */
  recentDeploys(query: {
    service?: string;
    env?: string;
    since: Date;
    limit?: number;
  }): Promise<DeployRecord[]>;
  /** The newest record for the target, if any. */
  lastDeploy(service: string, env: string): Promise<DeployRecord | undefined>;
  /** The records a run made (its deploy, and the automatic rollback of it), oldest first. */
  deploysOfRun(runId: string): Promise<DeployRecord[]>;
}

export interface DeployLogOptions {
  db: Db;
  ledger: Pick<Ledger, 'append'>;
  clock?: () => Date;
  newId?: () => string;
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A new deploy id: `d_` + 12 lowercase base32 characters. */
export function newDeployId(): string {
  const bytes = randomBytes(12);
  let out = 'd_';
  for (let i = 0; i < 12; i++) out += BASE32[(bytes[i] ?? 0) & 31];
  return out;
}

export interface DeployRow {
  id: string;
  service: string;
  env: string;
  from_image: string | null;
  to_image: string;
  from_revision: number | null;
  to_revision: number | null;
  kind: DeployKind;
  by_user: string;
  run_id: string | null;
  evidence_url: string | null;
  outcome: DeployOutcome;
  at: Date;
  on_behalf_of: string | null;
  what: ChangeWhat;
  from_value: string | null;
  to_value: string | null;
  commit_sha: string | null;
  commit_at: Date | null;
}

export const COLUMNS =
  'id, service, env, from_image, to_image, from_revision, to_revision, kind, by_user, run_id, evidence_url, outcome, at, on_behalf_of, what, from_value, to_value, commit_sha, commit_at';

export function fromRow(row: DeployRow): DeployRecord {
  return {
    id: row.id,
    service: row.service,
    env: row.env,
    ...(row.from_image === null ? {} : { fromImage: row.from_image }),
    toImage: row.to_image,
    ...(row.what === 'image' ? {} : { what: row.what }),
    ...(row.from_value === null ? {} : { fromValue: row.from_value }),
    ...(row.to_value === null ? {} : { toValue: row.to_value }),
    ...(row.from_revision === null ? {} : { fromRevision: Number(row.from_revision) }),
    ...(row.to_revision === null ? {} : { toRevision: Number(row.to_revision) }),
    kind: row.kind,
    by: row.by_user,
    ...(row.on_behalf_of === null ? {} : { onBehalfOf: row.on_behalf_of }),
    ...(row.run_id === null ? {} : { runId: row.run_id }),
    ...(row.evidence_url === null ? {} : { evidenceUrl: row.evidence_url }),
    outcome: row.outcome,
    at: new Date(row.at),
    ...(row.commit_sha === null ? {} : { commit: row.commit_sha }),
    ...(row.commit_at === null ? {} : { commitAt: new Date(row.commit_at) }),
  };
}

/** The record as ledger data: JSON, times as ISO strings, absent fields left out. */
function ledgerData(record: DeployRecord): Record<string, unknown> {
  const { at, commitAt, ...rest } = record;
  return {
    ...rest,
    at: at.toISOString(),
    ...(commitAt ? { commitAt: commitAt.toISOString() } : {}),
  };
}

/** The change log over a database where migrations 007, 015 and 016 are applied. */
export function createDeployLog(options: DeployLogOptions): DeployLog {
  const { db, ledger } = options;
  const clock = options.clock ?? (() => new Date());
  const newId = options.newId ?? newDeployId;
  const inTx = <T>(tx: Queryable | undefined, fn: (q: Queryable) => Promise<T>) =>
    tx ? fn(tx) : db.transaction(fn);

  return {
    recordDeploy(deploy, recordOptions = {}) {
      const { what, ...rest } = deploy;
      const record: DeployRecord = {
        ...rest,
        // `image` is the default, left out as reads leave it out.
        ...(what && what !== 'image' ? { what } : {}),
        id: newId(),
        outcome: deploy.outcome ?? 'verifying',
        at: deploy.at ?? clock(),
      };
      return inTx(recordOptions.tx, async (q) => {
        await q.query(
          `INSERT INTO deploys (${COLUMNS}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19)`,
          [
            record.id,
            record.service,
            record.env,
            record.fromImage ?? null,
            record.toImage,
            record.fromRevision ?? null,
            record.toRevision ?? null,
            record.kind,
            record.by,
            record.runId ?? null,
            record.evidenceUrl ?? null,
            record.outcome,
            record.at,
            record.onBehalfOf ?? null,
            record.what ?? 'image',
            record.fromValue ?? null,
            record.toValue ?? null,
            record.commit ?? null,
            record.commitAt ?? null,
          ],
        );
        const subject = `deploy:${record.id}`;
        const data = ledgerData(record);
        await ledger.append(
          { actor: record.by, kind: 'deploy.recorded', subject, data },
          { tx: q },
        );
        return record;
      });
    },

    finishDeploy(id, finish, finishOptions = {}) {
      return inTx(finishOptions.tx, async (q) => {
        const { rows } = await q.query<DeployRow>(
          `UPDATE deploys SET outcome = $2, evidence_url = COALESCE($3, evidence_url)
           WHERE id = $1 AND outcome = 'verifying' RETURNING ${COLUMNS}`,
          [id, finish.outcome, finish.evidenceUrl ?? null],
        );
        const row = rows[0];
        if (!row) return undefined;
        const record = fromRow(row);
        const data = { id, outcome: record.outcome, evidenceUrl: record.evidenceUrl ?? null };
        await ledger.append(
          { actor: 'mc', kind: 'deploy.finished', subject: `deploy:${id}`, data },
          { tx: q },
        );
        return record;
      });
    },

    async recentDeploys(query) {
      const where = ['at >= $1'];
      const params: unknown[] = [query.since];
      if (query.service !== undefined) {
        params.push(query.service);
        where.push(`service = $${params.length}`);
      }
      if (query.env !== undefined) {
        params.push(query.env);
        where.push(`env = $${params.length}`);
      }
      params.push(query.limit ?? 100);
      const { rows } = await db.query<DeployRow>(
        `SELECT ${COLUMNS} FROM deploys WHERE ${where.join(' AND ')}
         ORDER BY at DESC, id DESC LIMIT $${params.length}`,
        params,
      );
      return rows.map(fromRow);
    },

    async deploysOfRun(runId) {
      const { rows } = await db.query<DeployRow>(
        `SELECT ${COLUMNS} FROM deploys WHERE run_id = $1 ORDER BY at, id`,
        [runId],
      );
      return rows.map(fromRow);
    },

    async lastDeploy(service, env) {
      const { rows } = await db.query<DeployRow>(
        `SELECT ${COLUMNS} FROM deploys WHERE service = $1 AND env = $2
         ORDER BY at DESC, id DESC LIMIT 1`,
        [service, env],
      );
      return rows[0] ? fromRow(rows[0]) : undefined;
    },
  };
}
