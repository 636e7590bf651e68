import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.ts';
import { createGroupCommit } from '../../src/store/group-commit.ts';
import { openInboxDb } from '../http/webhooks/inbox-db.ts';
import { postgresSkipReason } from '../support/postgres.ts';
import { captureLogs } from '../support/slack-logs.ts';

const { log } = captureLogs({ level: 'warn' });

/** The real database, counting the transactions opened on it. */
function counting(db: Db): Db & { transactions: number } {
  const wrapped = {
    kind: db.kind,
    transactions: 0,
    query: db.query.bind(db),
    ping: db.ping.bind(db),
    close: db.close.bind(db),
    transaction<T>(fn: Parameters<Db['transaction']>[0]) {
      wrapped.transactions += 1;
      return db.transaction(fn) as Promise<T>;
    },
  };
  return wrapped as Db & { transactions: number };
}

const INSERT = `INSERT INTO webhook_inbox (source, delivery_id, payload) VALUES ('pagerduty', $1, '{}')`;

function describeGroupCommit(backend: 'pglite' | 'postgres') {
  describe(`src/store/group-commit on ${backend}`, () => {
    let db: Db;
    let dispose: () => Promise<void>;
    beforeAll(async () => {
      ({ db, dispose } = await openInboxDb(backend, log));
    });
    afterAll(async () => dispose?.());

    it('commits concurrent writes together, each stored before its promise settles', async () => {
      const base = counting(db);
      const writes = createGroupCommit(base);
      const ids = Array.from({ length: 60 }, (_, i) => `gc-${backend}-${i}`);
      await Promise.all(
        ids.map(async (id) => {
          await writes.query(INSERT, [id]);
          const { rows } = await db.query('SELECT 1 FROM webhook_inbox WHERE delivery_id = $1', [
            id,
          ]);
          expect(rows).toHaveLength(1);
        }),
      );
      expect(base.transactions).toBeGreaterThan(0);
      expect(base.transactions).toBeLessThan(ids.length / 4);
    });

    it('gives a failing write its own error and still stores the others of its batch', async () => {
      const writes = createGroupCommit(db);
      const results = await Promise.allSettled([
        writes.query(INSERT, ['gc-ok-1']),
        writes.query(INSERT, ['gc-ok-1']),
        writes.query(INSERT, ['gc-ok-2']),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: '23505' });
      const { rows } = await db.query<{ delivery_id: string }>(
        "SELECT delivery_id FROM webhook_inbox WHERE delivery_id LIKE 'gc-ok-%' ORDER BY 1",
      );
      expect(rows.map((r) => r.delivery_id)).toEqual(['gc-ok-1', 'gc-ok-2']);
    });
  });
}

describeGroupCommit('pglite');
describe.skipIf(postgresSkipReason() !== null)('on PostgreSQL', () =>
  describeGroupCommit('postgres'),
);
