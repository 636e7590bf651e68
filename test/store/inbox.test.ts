import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.ts';
import { createInbox, type InboxOptions } from '../../src/store/inbox.ts';
import { openInboxDb } from '../http/webhooks/inbox-db.ts';
import { postgresSkipReason } from '../support/postgres.ts';
import { captureLogs } from '../support/slack-logs.ts';

const { log } = captureLogs({ level: 'warn' });

const status = async (db: Db, id: string) =>
  (
    await db.query<{ status: string; attempts: number; last_error: string | null }>(
      'SELECT status, attempts, last_error FROM webhook_inbox WHERE id = $1',
      [id],
    )
  ).rows[0];

const age = (db: Db, column: string, id: string, seconds: number) =>
  db.query(`UPDATE webhook_inbox SET ${column} = now() - make_interval(secs => $2) WHERE id = $1`, [
    id,
    seconds,
  ]);

const FAST: InboxOptions = { retryBaseSeconds: 0, claimTimeoutSeconds: 60, maxAttempts: 3 };

function describeInbox(backend: 'pglite' | 'postgres') {
  describe(`src/store/inbox on ${backend}`, () => {
    let db: Db;
    let dispose: () => Promise<void>;
    beforeAll(async () => {
      ({ db, dispose } = await openInboxDb(backend, log));
    });
    afterAll(async () => dispose?.());
    beforeEach(async () => void (await db.query('DELETE FROM webhook_inbox')));

    it('stores a delivery once per (source, delivery id), payload intact', async () => {
      const inbox = createInbox(db);
      const payload = { event: { id: 'e1', nested: [1, 'two', null] } };
      const first = await inbox.accept('pagerduty', 'wh-1', payload);
      expect(first).toMatchObject({ accepted: true });
      expect(await inbox.accept('pagerduty', 'wh-1', payload)).toEqual({
        accepted: false,
        duplicate: true,
      });
      expect(await inbox.accept('alertmanager', 'wh-1', payload)).toMatchObject({ accepted: true });
      const { rows } = await db.query<{ payload: unknown; status: string }>(
        "SELECT payload, status FROM webhook_inbox WHERE source = 'pagerduty'",
      );
      expect(rows).toEqual([{ payload, status: 'pending' }]);
    });

    it('accepts exactly one of many concurrent deliveries with the same id', async () => {
      const inbox = createInbox(db);
      const results = await Promise.all(
        Array.from({ length: 20 }, () => inbox.accept('pagerduty', 'race', { n: 1 })),
      );
      expect(results.filter((r) => r.accepted)).toHaveLength(1);
    });

    it('claims in arrival order, once, and fences done on the claim', async () => {
      const inbox = createInbox(db, FAST);
      const ids: string[] = [];
      for (const n of [1, 2, 3]) {
        const r = await inbox.accept('alertmanager', `d${n}`, { n });
        if (r.accepted) ids.push(r.id);
      }
      const claimed = await inbox.claimBatch(2);
      expect(claimed.map((c) => [c.id, c.deliveryId, c.attempt, c.reclaimed])).toEqual([
        [ids[0], 'd1', 1, false],
        [ids[1], 'd2', 1, false],
      ]);
      expect(claimed[0]?.payload).toEqual({ n: 1 });
      expect(claimed[0]?.receivedAt).toBeInstanceOf(Date);
      expect((await inbox.claimBatch(10)).map((c) => c.id)).toEqual([ids[2]]);
      expect(await inbox.claimBatch(10)).toEqual([]);
      expect(await inbox.markDone(ids[0]!, 2)).toBe(false);
      expect(await inbox.markDone(ids[0]!, 1)).toBe(true);
      expect(await inbox.markDone(ids[0]!, 1)).toBe(false);
      expect(await inbox.counts()).toEqual({ pending: 0, processing: 2, done: 1, failed: 0 });
    });

    it('never hands one delivery to two concurrent claims', async () => {
      const inbox = createInbox(db);
      for (let n = 0; n < 200; n += 1) await inbox.accept('alertmanager', `c${n}`, { n });
      // On PostgreSQL these run on separate pooled connections, at the same time.
      const batches = await Promise.all(Array.from({ length: 8 }, () => inbox.claimBatch(30)));
      const ids = batches.flat().map((item) => item.id);
      expect(ids).toHaveLength(200);
      expect(new Set(ids).size).toBe(200);
    });

    it('retries a failed attempt after its backoff, then fails it after maxAttempts', async () => {
      const slow = createInbox(db, { ...FAST, retryBaseSeconds: 60 });
      const r = await slow.accept('alertmanager', 'flaky', {});
      const id = r.accepted ? r.id : '';
      await slow.claimBatch(1);
      expect(await slow.markFailed(id, 1, 'boom')).toBe('retry');
      expect(await slow.claimBatch(1)).toEqual([]); // not before next_attempt_at
      const inbox = createInbox(db, FAST);
      await age(db, 'next_attempt_at', id, 1);
      expect((await inbox.claimBatch(1))[0]?.attempt).toBe(2);
      expect(await inbox.markFailed(id, 2, 'boom again')).toBe('retry');
      expect((await inbox.claimBatch(1))[0]?.attempt).toBe(3);
      expect(await inbox.markFailed(id, 3, 'Bearer abc.def boom')).toBe('failed');
      expect(await status(db, id)).toEqual({
        status: 'failed',
        attempts: 3,
        last_error: 'Bearer [REDACTED] boom',
      });
      expect(await inbox.claimBatch(1)).toEqual([]);
      expect(await inbox.markFailed(id, 3, 'late')).toBe('lost');
    });

    it('fails a permanent error at once', async () => {
      const inbox = createInbox(db, FAST);
      const r = await inbox.accept('pagerduty', 'poison', {});
      await inbox.claimBatch(1);
      expect(await inbox.markFailed(r.accepted ? r.id : '', 1, 'bad', { permanent: true })).toBe(
        'failed',
      );
    });

    it('reclaims a claim older than the timeout; the old holder can no longer finish it', async () => {
      const inbox = createInbox(db, FAST);
      const r = await inbox.accept('alertmanager', 'stuck', {});
      const id = r.accepted ? r.id : '';
      await inbox.claimBatch(1);
      expect(await inbox.claimBatch(1)).toEqual([]); // a fresh claim is not taken over
      await age(db, 'claimed_at', id, 61);
      const again = await inbox.claimBatch(1);
      expect(again.map((c) => [c.id, c.attempt, c.reclaimed])).toEqual([[id, 2, true]]);
      expect(await inbox.markDone(id, 1)).toBe(false);
      expect(await inbox.markDone(id, 2)).toBe(true);
    });

    it('fails a stale claim that used its last attempt, instead of reclaiming it', async () => {
      const inbox = createInbox(db, { ...FAST, maxAttempts: 1 });
      const r = await inbox.accept('pagerduty', 'crashes-worker', {});
      const id = r.accepted ? r.id : '';
      await inbox.claimBatch(1);
      expect(await inbox.sweepAbandoned()).toEqual([]);
      await age(db, 'claimed_at', id, 61);
      expect(await inbox.claimBatch(1)).toEqual([]);
      expect(await inbox.sweepAbandoned()).toEqual([{ id, source: 'pagerduty' }]);
      expect((await status(db, id))?.status).toBe('failed');
    });

    it('lets an identical Alertmanager notification in again after its window, never PagerDuty', async () => {
      const inbox = createInbox(db, { redeliveryWindowSeconds: { alertmanager: 600 } });
      const am = await inbox.accept('alertmanager', 'same-body', { v: 1 });
      const pd = await inbox.accept('pagerduty', 'same-id', { v: 1 });
      const [amId, pdId] = [am.accepted ? am.id : '', pd.accepted ? pd.id : ''];
      await age(db, 'received_at', amId, 601);
      expect(await inbox.accept('alertmanager', 'same-body', { v: 2 })).toMatchObject({
        duplicate: true, // still pending: it will be processed anyway
      });
      for (const id of [amId, pdId]) {
        const [claim] = await inbox.claimBatch(1);
        await inbox.markDone(id, claim?.attempt ?? 0);
      }
      await age(db, 'received_at', pdId, 10 * 86_400);
      expect(await inbox.accept('pagerduty', 'same-id', {})).toMatchObject({ duplicate: true });
      const again = await inbox.accept('alertmanager', 'same-body', { v: 2 });
      expect(again.accepted && BigInt(again.id) > BigInt(amId)).toBe(true);
      expect((await inbox.claimBatch(5)).map((c) => c.payload)).toEqual([{ v: 2 }]);
    });

    it('prunes finished deliveries past retention, never unfinished ones', async () => {
      const inbox = createInbox(db, FAST);
      for (const n of [1, 2, 3]) await inbox.accept('alertmanager', `p${n}`, {});
      const [first, second] = await inbox.claimBatch(2);
      await inbox.markDone(first!.id, 1);
      await inbox.markDone(second!.id, 1);
      await age(db, 'processed_at', first!.id, 3600);
      await db.query("UPDATE webhook_inbox SET received_at = now() - interval '1 day'");
      expect(await inbox.prune(1800)).toBe(1);
      expect(await inbox.counts()).toEqual({ pending: 1, processing: 0, done: 1, failed: 0 });
    });

    it('refuses U+0000 in a payload with SQLSTATE 22P05 (the route answers 400)', async () => {
      const inbox = createInbox(db);
      await expect(inbox.accept('alertmanager', 'nul', { s: 'a\u0000b' })).rejects.toMatchObject({
        code: '22P05',
      });
    });

    it(`releases every claim at start only where no one else shares the database`, async () => {
      const inbox = createInbox(db, { maxAttempts: 2 });
      expect(inbox.exclusive).toBe(backend === 'pglite');
      if (!inbox.exclusive) {
        await expect(inbox.releaseClaims()).rejects.toThrow(/no one else uses/);
        return;
      }
      for (const n of [1, 2]) await inbox.accept('alertmanager', `r${n}`, {});
      const [last] = await inbox.claimBatch(1);
      await db.query('UPDATE webhook_inbox SET attempts = 2 WHERE id = $1', [last!.id]);
      await inbox.claimBatch(1);
      const { released, failed } = await inbox.releaseClaims();
      expect([released, failed]).toEqual([1, [{ id: last!.id, source: 'alertmanager' }]]);
      expect(await inbox.counts()).toMatchObject({ pending: 1, processing: 0, failed: 1 });
    });
  });
}

describeInbox('pglite');
describe.skipIf(postgresSkipReason() !== null)('on PostgreSQL', () => describeInbox('postgres'));
