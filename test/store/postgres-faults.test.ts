import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.ts';
import { openStore } from '../../src/store/open-store.ts';
import { openPostgresDb } from '../../src/store/postgres-db.ts';
import { createRequestDedupe } from '../../src/store/request-dedupe.ts';
import { type PostgresCluster, postgresSkipReason, startPostgres } from '../support/postgres.ts';
import { captureLogs } from '../support/slack-logs.ts';

async function elapsed(promise: Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = performance.now();
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  return { ms: performance.now() - started, error };
}

describe.skipIf(postgresSkipReason() !== null)('src/store/postgres-db faults', () => {
  let cluster: PostgresCluster;
  let db: Db;
  const logs = captureLogs();
  beforeAll(async () => {
    cluster = await startPostgres();
    const store = await openStore({ databaseUrl: cluster.url, dataDir: null, log: logs.log });
    db = store.db;
  });
  afterAll(async () => {
    await db?.close();
    await cluster?.destroy();
  });

  it('fails fast while the server is down and recovers on the same Db when it is back', async () => {
    const dedupe = createRequestDedupe(db);
    expect(db.kind).toBe('postgres');
    expect(await dedupe.claim('before-outage', 60)).toBe(true);
    // Idle pooled connections exist now; the outage breaks them.
    await Promise.all([db.ping(), db.query('SELECT 1'), db.query('SELECT 2')]);

    await cluster.stop();
    const down = await elapsed(db.ping());
    expect(down.error).toBeInstanceOf(Error);
    expect(down.ms).toBeLessThan(3000);
    await expect(dedupe.claim('during-outage', 60)).rejects.toThrow();
    await expect(db.transaction((tx) => tx.query('SELECT 1'))).rejects.toThrow();
    expect(
      logs.find('PostgreSQL connection lost; the pool will open a new one').length,
    ).toBeGreaterThan(0);

    await cluster.start();
    await db.ping();
    expect(await dedupe.claim('before-outage', 60)).toBe(false);
    expect(await dedupe.claim('after-outage', 60)).toBe(true);
    const value = await db.transaction(async (tx) => (await tx.query('SELECT 1 AS one')).rows);
    expect(value).toEqual([{ one: 1 }]);
  });
});

describe('src/store/postgres-db unreachable', () => {
  it('gives up on a server that accepts connections but never answers, within the timeout', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    const db = await openPostgresDb({
      url: `postgresql://mc@127.0.0.1:${port}/mc`,
      log: captureLogs().log,
      connectTimeoutMs: 500,
    });
    try {
      const attempt = await elapsed(db.ping());
      expect(String(attempt.error)).toMatch(/timeout/i);
      expect(attempt.ms).toBeGreaterThanOrEqual(450);
      expect(attempt.ms).toBeLessThan(2000);
    } finally {
      await db.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
