import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMigrations, type Migration } from '../../src/store/migrate.ts';
import { incompatibleChanges } from '../../src/store/migration-compat.ts';
import { type Replica, type Replicas, startReplicas } from '../support/pg-replicas.ts';
import { postgresSkipReason } from '../support/postgres.ts';

/** The next release: every migration of this one, plus an expand step of its own. */
function newerMigrations(): Migration[] {
  const current = loadMigrations();
  const version = (current.at(-1)?.version ?? 0) + 1;
  const sql =
    'ALTER TABLE deploys ADD COLUMN approved_by text;\n' +
    'CREATE TABLE release_notes (id text PRIMARY KEY, body text NOT NULL);\n';
  const file = `${String(version).padStart(3, '0')}_next_release.sql`;
  return [...current, { version, name: 'next_release', file, sql, checksum: `next-${version}` }];
}

describe.skipIf(postgresSkipReason() !== null)(
  'replicas of one or two releases on one PostgreSQL',
  () => {
    let replicas: Replicas;
    beforeEach(async () => {
      replicas = await startReplicas();
    });
    afterEach(async () => {
      await replicas.close();
    });

    /** `/mc dora checkout` through one replica (it reads the deploys table): the reply text. */
    async function dora(replica: Replica): Promise<string> {
      const sent = await replicas.command(replica, 'dora checkout --since 7d');
      expect(sent.status).toBe(200);
      return replicas.reply(sent.responseId);
    }

    it('a newer replica starts next to an older one; both serve, and older ones still start', async () => {
      const newer = newerMigrations();
      // The newer release's own step is an expand step, as the rule requires.
      expect(newer.flatMap(incompatibleChanges)).toEqual([]);

      const old = await replicas.start('old-1');
      expect(await dora(old)).toContain('checkout, last 7 days');

      const next = await replicas.start('new-1', { migrations: newer });
      expect(next.bot.store.migrations.applied).toEqual([
        { version: newer.at(-1)?.version, name: 'next_release' },
      ]);
      expect(await dora(next)).toContain('checkout, last 7 days');
      // The older replica keeps serving on the expanded schema.
      expect(await dora(old)).toContain('checkout, last 7 days');

      // An older replica (re)started now finds a migration it does not know, and runs anyway.
      const late = await replicas.start('old-2');
      expect(late.bot.store.migrations.unknown).toEqual([newer.at(-1)?.version]);
      const warned = late.logs.find(
        'the database has migrations this version of mc does not know: a newer mc ran against it',
      );
      expect(warned).toHaveLength(1);
      expect(await dora(late)).toContain('checkout, last 7 days');
    }, 120_000);

    it('a Slack retry that lands on another replica is acknowledged and not run again', async () => {
      const a = await replicas.start('bot-a');
      const b = await replicas.start('bot-b');
      const first = await replicas.command(a, 'dora checkout --since 7d');
      expect(await replicas.reply(first.responseId)).toContain('checkout, last 7 days');
      const retry = await replicas.command(b, 'dora checkout --since 7d', {
        triggerId: first.triggerId,
        retryNum: 1,
        responseId: first.responseId,
      });
      expect(retry.status).toBe(200);
      // bot-b says it dropped the retry (a state to wait for), and no second reply was posted.
      for (;;) {
        const dropped = b.logs.find('retry dropped');
        if (dropped.some((line) => line.trigger_id === first.triggerId)) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(replicas.slack.responses(first.responseId)).toHaveLength(1);
    }, 120_000);
  },
);
