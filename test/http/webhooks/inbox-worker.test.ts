import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createInboxWorker,
  type InboxWorker,
  type InboxWorkerOptions,
} from '../../../src/http/webhooks/inbox-worker.ts';
import type { Db } from '../../../src/store/db.ts';
import { createInbox, type Inbox } from '../../../src/store/inbox.ts';
import { createMetrics } from '../../../src/telemetry/metrics.ts';
import { postgresSkipReason } from '../../support/postgres.ts';
import { REPO_ROOT } from '../../support/slack.ts';
import { captureLogs } from '../../support/slack-logs.ts';
import { type Consumed, groupOf, metricValue, recordingConsumer } from './harness.ts';
import { type InboxDb, openInboxDb } from './inbox-db.ts';

const FIRING = JSON.parse(
  fs.readFileSync(path.join(REPO_ROOT, 'test/fixtures/alertmanager/webhook-firing.json'), 'utf8'),
) as Record<string, unknown>;
const alert = (n: number) => ({ ...FIRING, groupKey: `group-${n}` });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function describeWorker(backend: 'pglite' | 'postgres') {
  describe(`src/http/webhooks/inbox-worker on ${backend}`, () => {
    let store: InboxDb;
    let db: Db;
    const workers: InboxWorker[] = [];
    beforeAll(async () => {
      store = await openInboxDb(backend, captureLogs().log);
      db = store.db;
    });
    afterAll(async () => store?.dispose());
    beforeEach(async () => void (await db.query('DELETE FROM webhook_inbox')));
    afterEach(async () => {
      await Promise.all(workers.splice(0).map((w) => w.stop()));
    });

    function worker(
      recorder: ReturnType<typeof recordingConsumer>,
      options: Partial<InboxWorkerOptions> = {},
    ) {
      const logs = captureLogs();
      const metrics = createMetrics({ defaultMetrics: false });
      const inbox = options.inbox ?? createInbox(db, { retryBaseSeconds: 0, maxAttempts: 3 });
      const created = createInboxWorker({
        inbox,
        consumer: recorder.consumer,
        log: logs.log,
        metrics,
        pollIntervalMs: 20,
        stopTimeoutMs: 500,
        ...options,
      });
      workers.push(created);
      return { worker: created, inbox, logs, metrics };
    }

    async function accept(inbox: Inbox, count: number, from = 0): Promise<string[]> {
      const ids: string[] = [];
      for (let n = from; n < from + count; n += 1) {
        const result = await inbox.accept('alertmanager', `d-${n}`, alert(n));
        if (result.accepted) ids.push(result.id);
      }
      return ids;
    }

    it('hands each delivery, parsed again, to the consumer in arrival order', async () => {
      const recorder = recordingConsumer();
      const { worker: w, inbox, metrics } = worker(recorder, { batchSize: 2 });
      const ids = await accept(inbox, 5);
      await inbox.accept('pagerduty', 'pd-1', { event: { nope: true } });
      expect(await w.drain()).toBe(6);
      expect(recorder.calls.map(groupOf)).toEqual([0, 1, 2, 3, 4].map((n) => `group-${n}`));
      expect(recorder.calls[0]?.meta).toMatchObject({
        inboxId: ids[0],
        deliveryId: 'd-0',
        attempt: 1,
      });
      expect(
        recorder.calls[0]?.source === 'alertmanager' && recorder.calls[0].webhook.truncatedAlerts,
      ).toBe(0);
      // The stored PagerDuty body no longer parses: failed at once, never handed over.
      expect(await inbox.counts()).toEqual({ pending: 0, processing: 0, done: 5, failed: 1 });
      expect(
        await metricValue(
          metrics,
          'mc_webhook_inbox_processed_total{source="alertmanager",outcome="done"}',
        ),
      ).toBe(5);
      expect(
        await metricValue(
          metrics,
          'mc_webhook_inbox_processed_total{source="pagerduty",outcome="failed"}',
        ),
      ).toBe(1);
    });

    it('keeps going past a failing delivery, retries it, then fails it for good', async () => {
      const recorder = recordingConsumer((call) => {
        if (groupOf(call) === 'group-1') throw new Error('triage exploded');
      });
      const { worker: w, inbox, metrics, logs } = worker(recorder);
      const ids = await accept(inbox, 3);
      await w.drain();
      expect(recorder.calls.map(groupOf)).toEqual(['group-0', 'group-2']);
      const { rows } = await db.query<{ status: string; attempts: number; last_error: string }>(
        'SELECT status, attempts, last_error FROM webhook_inbox WHERE id = $1',
        [ids[1]],
      );
      expect(rows[0]).toEqual({ status: 'failed', attempts: 3, last_error: 'triage exploded' });
      expect(
        await metricValue(
          metrics,
          'mc_webhook_inbox_processed_total{source="alertmanager",outcome="retry"}',
        ),
      ).toBe(2);
      expect(
        await metricValue(
          metrics,
          'mc_webhook_inbox_processed_total{source="alertmanager",outcome="failed"}',
        ),
      ).toBe(1);
      expect(logs.find('webhook delivery failed for good')).toHaveLength(1);
    });

    it('fails an attempt whose consumer hangs past handlerTimeoutMs', async () => {
      let calls = 0;
      const recorder = recordingConsumer(async () => {
        calls += 1;
        if (calls === 1) await new Promise(() => {});
      });
      const { worker: w, inbox } = worker(recorder, { handlerTimeoutMs: 100 });
      await accept(inbox, 1);
      await w.drain();
      expect(recorder.calls.map((c) => c.meta.attempt)).toEqual([2]);
    });

    it('after a restart, processes what the previous process accepted but never processed', async () => {
      const before = worker(recordingConsumer());
      await accept(before.inbox, 4); // accepted, then the process "dies": nothing drained
      const inbox = createInbox(backend === 'postgres' ? await store.open() : db);
      const recorder = recordingConsumer();
      const { worker: restarted } = worker(recorder, { inbox });
      restarted.start();
      await recorder.waitFor(() => recorder.calls.length === 4);
      expect(recorder.calls.map(groupOf)).toEqual(['group-0', 'group-1', 'group-2', 'group-3']);
    });

    it('takes back a delivery whose worker died mid-processing', async () => {
      const dead = createInbox(db);
      await accept(dead, 2);
      const [claimed] = await dead.claimBatch(1); // claimed, then the process is gone
      if (backend === 'postgres') {
        // Other processes may share PostgreSQL: only a claim older than the timeout is taken.
        await db.query(
          "UPDATE webhook_inbox SET claimed_at = now() - interval '10 minutes' WHERE id = $1",
          [claimed?.id],
        );
      }
      const recorder = recordingConsumer();
      const { worker: w, logs } = worker(recorder, {
        inbox: createInbox(db, { claimTimeoutSeconds: 300 }),
      });
      w.start();
      await recorder.waitFor(() => recorder.calls.length === 2);
      const retried = recorder.calls.find((c) => c.meta.inboxId === claimed?.id);
      expect(retried?.meta.attempt).toBe(2);
      const said =
        backend === 'pglite'
          ? 'interrupted webhook deliveries recovered'
          : 'webhook delivery reclaimed: its previous worker never finished it';
      expect(logs.find(said)).toHaveLength(1);
    });

    // One process per PGlite, so there every claim found at start is stale (see above).
    it.skipIf(backend === 'pglite')('leaves a fresh claim of another process alone', async () => {
      const other = createInbox(db);
      await accept(other, 1);
      await other.claimBatch(1);
      const recorder = recordingConsumer();
      const { worker: w } = worker(recorder);
      expect(await w.drain()).toBe(0);
    });

    it('starts processing at once when nudged, not at the next poll', async () => {
      const recorder = recordingConsumer();
      const { worker: w, inbox } = worker(recorder, { pollIntervalMs: 60_000 });
      w.start();
      await sleep(200); // the loop is now idle, waiting for its next poll in a minute
      const [id] = await accept(inbox, 1);
      const t0 = Date.now();
      w.nudge();
      const call = await recorder.waitFor(() => true, 2000);
      expect(call.meta.inboxId).toBe(id);
      expect(call.at - t0).toBeLessThan(1000);
    });

    it('backs off while the store fails and resumes when it is back', async () => {
      const real = createInbox(db, { retryBaseSeconds: 0 });
      let failures = 3;
      const flaky: Inbox = {
        ...real,
        claimBatch: async (limit) => {
          if (failures > 0) {
            failures -= 1;
            throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
          }
          return real.claimBatch(limit);
        },
      };
      const recorder = recordingConsumer();
      const { worker: w, logs } = worker(recorder, {
        inbox: flaky,
        pollIntervalMs: 10,
        maxBackoffMs: 40,
      });
      await accept(real, 1);
      w.start();
      await recorder.waitFor(() => true, 3000);
      const waits = logs.find('webhook inbox unavailable').map((l) => l.retryInMs);
      expect(waits).toEqual([10, 20, 40]);
    });

    describe('a consumer that takes batches', () => {
      /** Records each batch's group keys; `fail` makes a batch holding that group throw. */
      function batching(fail?: string) {
        const recorder = recordingConsumer((call) => {
          if (groupOf(call) === fail) throw new Error('bad delivery');
        });
        const batches: string[][] = [];
        recorder.consumer.batch = async (deliveries) => {
          const groups = deliveries.map((d) =>
            d.source === 'alertmanager' ? d.webhook.groupKey : '',
          );
          batches.push(groups);
          if (fail && groups.includes(fail)) throw new Error('batch failed');
        };
        return { recorder, batches };
      }

      it('hands deliveries claimed together over in one call, in arrival order, and marks them done', async () => {
        const { recorder, batches } = batching();
        const { worker: w, inbox, metrics } = worker(recorder, { batchSize: 4 });
        await accept(inbox, 6);
        await inbox.accept('pagerduty', 'pd-1', { event: { nope: true } });
        expect(await w.drain()).toBe(7);
        expect(batches).toEqual([
          ['group-0', 'group-1', 'group-2', 'group-3'],
          ['group-4', 'group-5'],
        ]);
        expect(recorder.calls).toHaveLength(0);
        expect(await inbox.counts()).toEqual({ pending: 0, processing: 0, done: 6, failed: 1 });
        expect(
          await metricValue(
            metrics,
            'mc_webhook_inbox_processed_total{source="alertmanager",outcome="done"}',
          ),
        ).toBe(6);
      });

      it('a batch that throws hands each delivery over alone: only the bad one is retried', async () => {
        const { recorder, batches } = batching('group-1');
        const { worker: w, inbox, logs } = worker(recorder, { batchSize: 3 });
        const ids = await accept(inbox, 3);
        await w.drain();
        expect(batches[0]).toEqual(['group-0', 'group-1', 'group-2']);
        expect(logs.find('webhook batch failed; handing each delivery over alone')).toHaveLength(1);
        expect(recorder.calls.map(groupOf)).toEqual(['group-0', 'group-2']);
        const { rows } = await db.query<{ id: string; status: string; last_error: string | null }>(
          'SELECT id::text AS id, status, last_error FROM webhook_inbox ORDER BY id',
        );
        expect(rows).toEqual([
          { id: ids[0], status: 'done', last_error: null },
          { id: ids[1], status: 'failed', last_error: 'bad delivery' },
          { id: ids[2], status: 'done', last_error: null },
        ]);
      });

      it('gathers deliveries that arrive together into one batch, claimed once the batch is full', async () => {
        const { recorder, batches } = batching();
        const { worker: w, inbox } = worker(recorder, {
          pollIntervalMs: 60_000,
          gatherMs: 30_000,
          batchSize: 5,
        });
        w.start();
        await sleep(100); // idle until nudged
        for (let n = 0; n < 5; n += 1) {
          await accept(inbox, 1, n);
          w.nudge();
          await sleep(10);
        }
        // Far sooner than gatherMs: the fifth delivery filled the batch.
        const deadline = Date.now() + 10_000;
        while (batches.flat().length < 5 && Date.now() < deadline) await sleep(20);
        expect(batches).toEqual([['group-0', 'group-1', 'group-2', 'group-3', 'group-4']]);
      });
    });

    it('shares the work between two workers: each delivery processed exactly once', async () => {
      const count = 300;
      const seen: string[] = [];
      const slow = async (call: Consumed) => {
        seen.push(call.meta.inboxId);
        await sleep(0);
      };
      const a = recordingConsumer(slow);
      const b = recordingConsumer(slow);
      // Two processes: two pools on PostgreSQL; PGlite can only share its one connection.
      const second = backend === 'postgres' ? await store.open() : db;
      const wa = worker(a, { batchSize: 3 });
      const wb = worker(b, { batchSize: 3, inbox: createInbox(second) });
      const ids = await accept(wa.inbox, count);
      const [da, dbCount] = await Promise.all([wa.worker.drain(), wb.worker.drain()]);
      expect(da + dbCount).toBe(count);
      expect(new Set(seen).size).toBe(count);
      expect([...seen].sort()).toEqual([...ids].sort());
      expect(a.calls.length).toBeGreaterThan(0);
      expect(b.calls.length).toBeGreaterThan(0);
      expect(await wa.inbox.counts()).toMatchObject({ done: count, pending: 0, processing: 0 });
    });
  });
}

describeWorker('pglite');
describe.skipIf(postgresSkipReason() !== null)('on PostgreSQL', () => describeWorker('postgres'));
