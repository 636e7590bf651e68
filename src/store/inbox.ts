import { scrubSecrets } from '../telemetry/logger.ts';
import type { Db } from './db.ts';
import { createGroupCommit } from './group-commit.ts';

/** Who sent a webhook delivery. */
export type InboxSource = 'alertmanager' | 'pagerduty';

/** The answer to storing a delivery: a new row to process, or one already stored. */
export type AcceptResult = { accepted: true; id: string } | { accepted: false; duplicate: true };

/** A claimed delivery. `attempt` fences the claim: only its holder can finish it. */
export interface InboxItem {
  id: string;
  source: InboxSource;
  deliveryId: string;
  payload: unknown;
  receivedAt: Date;
  attempt: number;
  /** It was claimed before by a worker that never finished it (crash, hang). */
  reclaimed: boolean;
}

/** What markFailed did: retry later, give up, or nothing (the claim had been taken over). */
export type FailVerdict = 'retry' | 'failed' | 'lost';

/** A row given up on while no worker held it (abandoned claims past maxAttempts). */
export interface AbandonedItem {
  id: string;
  source: InboxSource;
}

export interface InboxOptions {
  /** Attempts before a delivery is `failed`. Default 5. */
  maxAttempts?: number;
  /** A `processing` claim older than this is taken back (its worker died). Default 300 s. */
  claimTimeoutSeconds?: number;
  /** First retry delay; doubles per attempt up to retryMaxSeconds. Default 1 s and 60 s. */
  retryBaseSeconds?: number;
  retryMaxSeconds?: number;
  /**
   * Per source: a finished row older than this no longer dedupes an equal delivery id, which
   * is then accepted again. Default alertmanager 600 s (its retries of one notification; a
   * later identical repeat notification is news), pagerduty null (never: X-Webhook-Id is unique).
   */
  redeliveryWindowSeconds?: Partial<Record<InboxSource, number | null>>;
}

/** Durable webhook inbox on the `webhook_inbox` table, shared by every process on one database. */
export interface Inbox {
  /** True when no other process can use this database (PGlite), so claims can be released at once. */
  readonly exclusive: boolean;
  /** eventId: the event inside the body; a second delivery of one event is a duplicate too. */
  accept(
    source: InboxSource,
    deliveryId: string,
    payload: unknown,
    options?: { eventId?: string },
  ): Promise<AcceptResult>;
  claimBatch(limit: number): Promise<InboxItem[]>;
  markDone(id: string, attempt: number): Promise<boolean>;
  /** markDone for several claims in one statement; the ids whose claim was still theirs. */
  markDoneMany(claims: { id: string; attempt: number }[]): Promise<Set<string>>;
  markFailed(
    id: string,
    attempt: number,
    error: string,
    options?: { permanent?: boolean },
  ): Promise<FailVerdict>;
  /** Fails stale claims that used up their attempts; returns them, for metrics. */
  sweepAbandoned(): Promise<AbandonedItem[]>;
  /** Returns every claim to `pending` now (or `failed` past maxAttempts). Only when exclusive. */
  releaseClaims(): Promise<{ released: number; failed: AbandonedItem[] }>;
  /** Deletes finished rows older than retentionSeconds (bounded per call); returns how many. */
  prune(retentionSeconds: number): Promise<number>;
  counts(): Promise<Record<'pending' | 'processing' | 'done' | 'failed', number>>;
}

const ERROR_LIMIT = 2000;

// A duplicate is a no-op unless its row finished longer than the source's window ago; then the
// row is taken over with a fresh id, so processing order stays arrival order.
const ACCEPT = `
  INSERT INTO webhook_inbox AS i (source, delivery_id, payload, event_id)
  VALUES ($1, $2, $3::jsonb, $5)
  ON CONFLICT (source, delivery_id) DO UPDATE
    SET id = nextval('webhook_inbox_id_seq'), payload = EXCLUDED.payload, received_at = now(),
        status = 'pending', attempts = 0, last_error = NULL, claimed_at = NULL,
        next_attempt_at = now(), processed_at = NULL
    WHERE $4::float8 IS NOT NULL AND i.status IN ('done', 'failed')
      AND i.received_at <= now() - make_interval(secs => $4::float8)
  RETURNING id`;

// SKIP LOCKED: several workers (processes) each take different rows without waiting.
const CLAIM = `
  WITH next AS (
    SELECT id, status AS was FROM webhook_inbox
    WHERE (status = 'pending' AND next_attempt_at <= now())
       OR (status = 'processing' AND attempts < $3
           AND claimed_at <= now() - make_interval(secs => $2::float8))
    ORDER BY id LIMIT $1
    FOR UPDATE SKIP LOCKED
  )
  UPDATE webhook_inbox AS i
  SET status = 'processing', claimed_at = now(), attempts = i.attempts + 1
  FROM next WHERE i.id = next.id
  RETURNING i.id, i.source, i.delivery_id, i.payload, i.received_at, i.attempts, next.was`;

const FINISH_FENCE = `WHERE id = $1 AND status = 'processing' AND attempts = $2`;

const FAIL = `
  UPDATE webhook_inbox
  SET status = CASE WHEN $4 OR attempts >= $5 THEN 'failed' ELSE 'pending' END,
      processed_at = CASE WHEN $4 OR attempts >= $5 THEN now() END,
      next_attempt_at = now() + make_interval(secs => least($6 * power(2, attempts - 1), $7)),
      last_error = $3, claimed_at = NULL
  ${FINISH_FENCE}
  RETURNING status`;

interface ClaimRow {
  id: string;
  source: InboxSource;
  delivery_id: string;
  payload: unknown;
  received_at: Date;
  attempts: number;
  was: string;
}

/** Opens the inbox on a migrated database (migration 020). */
export function createInbox(db: Db, options: InboxOptions = {}): Inbox {
  const maxAttempts = options.maxAttempts ?? 5;
  const claimTimeout = options.claimTimeoutSeconds ?? 300;
  const retryBase = options.retryBaseSeconds ?? 1;
  const retryMax = options.retryMaxSeconds ?? 60;
  const windows: Record<InboxSource, number | null> = {
    alertmanager: 600,
    pagerduty: null,
    ...options.redeliveryWindowSeconds,
  };

  // Deliveries of a storm arrive together: their inserts share commits (see createGroupCommit).
  // A sender waits for each accept's commit: they go ahead of the worker's background work.
  const writes = createGroupCommit(db.urgent ?? db);

  return {
    exclusive: db.kind === 'pglite',
    async accept(source, deliveryId, payload, options = {}) {
      if (deliveryId.length === 0) throw new Error('inbox delivery id must not be empty');
      let rows: { id: string }[];
      try {
        ({ rows } = await writes.query<{ id: string }>(ACCEPT, [
          source,
          deliveryId,
          JSON.stringify(payload),
          windows[source],
          options.eventId ?? null,
        ]));
      } catch (error) {
        const e = error as { code?: string; constraint?: string; message?: string };
        const sameEvent =
          e.code === '23505' &&
          (e.constraint === 'webhook_inbox_event' || /webhook_inbox_event/.test(e.message ?? ''));
        if (sameEvent) return { accepted: false, duplicate: true };
        throw error;
      }
      const id = rows[0]?.id;
      return id === undefined ? { accepted: false, duplicate: true } : { accepted: true, id };
    },
    async claimBatch(limit) {
      const { rows } = await db.query<ClaimRow>(CLAIM, [limit, claimTimeout, maxAttempts]);
      return rows
        .map((row) => ({
          id: row.id,
          source: row.source,
          deliveryId: row.delivery_id,
          payload: row.payload,
          receivedAt: row.received_at,
          attempt: row.attempts,
          reclaimed: row.was === 'processing',
        }))
        .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    },
    async markDone(id, attempt) {
      const sql = `UPDATE webhook_inbox SET status = 'done', processed_at = now(), claimed_at = NULL
        ${FINISH_FENCE}`;
      return (await db.query(sql, [id, attempt])).rowCount === 1;
    },
    async markDoneMany(claims) {
      if (claims.length === 0) return new Set();
      const { rows } = await db.query<{ id: string }>(
        `UPDATE webhook_inbox AS i SET status = 'done', processed_at = now(), claimed_at = NULL
         FROM unnest($1::bigint[], $2::int[]) AS c(id, attempt)
         WHERE i.id = c.id AND i.status = 'processing' AND i.attempts = c.attempt
         RETURNING i.id`,
        [claims.map((c) => c.id), claims.map((c) => c.attempt)],
      );
      return new Set(rows.map((row) => String(row.id)));
    },
    async markFailed(id, attempt, error, failOptions = {}) {
      const message = scrubSecrets(error).slice(0, ERROR_LIMIT);
      const { rows } = await db.query<{ status: string }>(FAIL, [
        id,
        attempt,
        message,
        failOptions.permanent === true,
        maxAttempts,
        retryBase,
        retryMax,
      ]);
      const status = rows[0]?.status;
      return status === undefined ? 'lost' : status === 'failed' ? 'failed' : 'retry';
    },
    async sweepAbandoned() {
      const { rows } = await db.query<AbandonedItem>(
        `UPDATE webhook_inbox
         SET status = 'failed', processed_at = now(), claimed_at = NULL,
             last_error = concat_ws('; ', last_error, 'abandoned: its worker stopped mid-processing on the last attempt')
         WHERE status = 'processing' AND attempts >= $1
           AND claimed_at <= now() - make_interval(secs => $2::float8)
         RETURNING id, source`,
        [maxAttempts, claimTimeout],
      );
      return rows;
    },
    async releaseClaims() {
      if (db.kind !== 'pglite')
        throw new Error('releaseClaims() needs a database no one else uses');
      const { rows } = await db.query<AbandonedItem & { status: string }>(
        `UPDATE webhook_inbox
         SET status = CASE WHEN attempts >= $1 THEN 'failed' ELSE 'pending' END,
             processed_at = CASE WHEN attempts >= $1 THEN now() END, claimed_at = NULL,
             last_error = concat_ws('; ', last_error, 'interrupted: the process stopped mid-processing')
         WHERE status = 'processing'
         RETURNING id, source, status`,
        [maxAttempts],
      );
      const failed = rows.filter((row) => row.status === 'failed');
      return {
        released: rows.length - failed.length,
        failed: failed.map(({ id, source }) => ({ id, source })),
      };
    },
    async prune(retentionSeconds) {
      const sql = `DELETE FROM webhook_inbox WHERE id IN (
        SELECT id FROM webhook_inbox WHERE status IN ('done', 'failed')
          AND processed_at <= now() - make_interval(secs => $1::float8) LIMIT 5000)`;
      return (await db.query(sql, [retentionSeconds])).rowCount;
    },
    async counts() {
      const { rows } = await db.query<{ status: string; n: number }>(
        'SELECT status, count(*)::int AS n FROM webhook_inbox GROUP BY status',
      );
      const counts = { pending: 0, processing: 0, done: 0, failed: 0 };
      for (const row of rows) counts[row.status as keyof typeof counts] = row.n;
      return counts;
    },
  };
}
