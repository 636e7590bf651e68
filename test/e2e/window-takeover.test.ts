import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/bot.ts';
import { createDeployLog } from '../../src/deploys/deploy-log.ts';
import type { EmulatedMessage } from '../../src/sandbox/slack/emulator-types.ts';
import { type DeployWorld, startDeployWorld } from '../support/deploy-e2e.ts';
import { createTestDatabase, postgresSkipReason } from '../support/postgres.ts';
import { requireBinary } from '../support/prometheus.ts';
import { buttonIds, liveImage, ONCALL, STAGING } from '../support/runs-e2e.ts';
import { shown } from '../support/runs-slack.ts';

const prometheusBin = requireBinary('prometheus');
const REQUIRED = 5;
/** Short heartbeats, sweeps and leases so a dead owner is noticed within about a second. */
const REPLICA = {
  runs: { heartbeatMs: 100, staleAfterMs: 1_000 },
  recoverEveryMs: 100,
  leases: { ttlMs: 600, renewEveryMs: 200 },
  stopGraceMs: 0,
  verification: { intervalMs: 1_000, required: REQUIRED },
};

interface Entry {
  kind: string;
  data: Record<string, unknown>;
}

async function entriesOf(bot: Bot, runId: string): Promise<Entry[]> {
  const found: Entry[] = [];
  for await (const e of bot.ledger.read()) {
    if (e.subject === `run:${runId}`) found.push({ kind: e.kind, data: e.data as Entry['data'] });
  }
  return found;
}

describe.skipIf(!prometheusBin || postgresSkipReason() !== null)(
  'e2e: replicas on one PostgreSQL share runs (clicks on any replica, windows move on death)',
  () => {
    let database: { url: string; drop(): Promise<void> };
    let world: DeployWorld;
    /** The replica next to world.bot (bot-a). */
    let other: Bot;
    beforeAll(async () => {
      database = await createTestDatabase();
      world = await startDeployWorld({
        databaseUrl: database.url,
        bot: { ownerId: 'bot-a', ...REPLICA },
      });
      other = await world.another({ ownerId: 'bot-b', ...REPLICA });
    }, 90_000);
    afterAll(async () => {
      await world?.close();
      await database?.drop();
    });

    const runIdOf = (m: EmulatedMessage) => /run (r_[a-z2-7]+) ·/.exec(shown(m))?.[1] ?? '';

    it('clicks land on any replica: Confirm on one, Continue of the paused window on another', async () => {
      await world.command('deploy checkout 1.4.3 --env staging', ONCALL);
      const message = await world.until('a plan', () => world.plans()[0]);
      const runId = runIdOf(message);
      await world.prometheus.stop();
      try {
        // Posted by world.bot, confirmed through bot-b: bot-b owns and executes the run.
        await world.click(message, 'run.confirm', ONCALL, other);
        await world.until(
          'the window to pause for a decision',
          () => buttonIds(world.current(message)).includes('run.verify-continue'),
          30_000,
        );
      } finally {
        await world.prometheus.start();
      }
      expect((await other.engine.get(runId))?.owner).toBe('bot-b');
      // Continue lands on world.bot, which does not run the window: bot-b's window goes on.
      await world.click(world.current(message), 'run.verify-continue', ONCALL);
      await world.until(
        'the run to succeed',
        () => shown(world.current(message)).includes('— succeeded'),
        40_000,
      );
      const entries = await entriesOf(other, runId);
      expect(entries.filter((e) => e.kind === 'run.verification.decision')).toMatchObject([
        { data: { decision: 'continue', timedOut: false } },
      ]);
      expect(liveImage(world.kube, STAGING)).toBe('shop/checkout:1.4.3');
    }, 120_000);

    it('continues the window with the intervals it had left, applying nothing twice', async () => {
      const owner = world.bot;
      await world.command('deploy checkout 1.4.4 --env staging', ONCALL);
      const message = await world.until('a plan', () => world.plans()[1]);
      await world.click(message, 'run.confirm', ONCALL);
      const runId = runIdOf(message);
      const checkpoint = async () => {
        const { rows } = await other.store.db.query<{
          checkpoint: { progress: { intervals: unknown[] } } | null;
        }>('SELECT checkpoint FROM runs WHERE id = $1', [runId]);
        return rows[0]?.checkpoint?.progress.intervals.length ?? 0;
      };
      // Two healthy intervals in, bot-a (the owner) dies.
      for (let n = await checkpoint(); n < 2; n = await checkpoint()) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const stepsBefore = (await entriesOf(other, runId)).filter((e) => e.kind === 'run.step');
      await world.stopBot(owner);

      await world.until(
        'the run to succeed on bot-b',
        () => shown(world.current(message)).includes('— succeeded'),
        40_000,
      );
      await other.engine.idle();
      const entries = await entriesOf(other, runId);
      expect(entries.filter((e) => e.kind === 'run.taken-over')).toMatchObject([
        { data: { deadOwner: 'bot-a', owner: 'bot-b' } },
      ]);
      // One window, not two: its intervals run 1..REQUIRED across both owners.
      const windows = entries.filter((e) => e.kind === 'run.verification');
      expect(windows).toHaveLength(1);
      const intervals = (windows[0]?.data.intervals ?? []) as { number: number }[];
      const numbers = intervals.map((i) => i.number);
      expect(numbers).toEqual(Array.from({ length: REQUIRED }, (_, i) => i + 1));
      expect(windows[0]?.data.status).toBe('healthy');
      // Nothing was applied again by the new owner.
      expect(entries.filter((e) => e.kind === 'run.step')).toEqual(stepsBefore);
      expect(liveImage(world.kube, STAGING)).toBe('shop/checkout:1.4.4');
      const deployLog = createDeployLog({ db: other.store.db, ledger: other.ledger });
      expect(await deployLog.deploysOfRun(runId)).toMatchObject([
        { kind: 'deploy', toImage: 'shop/checkout:1.4.4', outcome: 'succeeded' },
      ]);
      expect(world.plans()).toHaveLength(2);
      expect((await other.engine.get(runId))?.run.state).toBe('succeeded');
    }, 120_000);
  },
);
