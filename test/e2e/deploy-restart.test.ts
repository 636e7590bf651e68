import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeployLog } from '../../src/deploys/deploy-log.ts';
import type { EmulatedMessage } from '../../src/sandbox/slack/emulator-types.ts';
import { type DeployWorld, startDeployWorld } from '../support/deploy-e2e.ts';
import { requireBinary } from '../support/prometheus.ts';
import { buttonIds, liveImage, ONCALL, STAGING } from '../support/runs-e2e.ts';
import { shown } from '../support/runs-slack.ts';

const prometheusBin = requireBinary('prometheus');

describe.skipIf(!prometheusBin)('e2e: a paused verification survives a bot restart', () => {
  let world: DeployWorld;
  beforeAll(async () => {
    // Process A: stop() does not wait for the paused run.
    world = await startDeployWorld({ bot: { ownerId: 'bot-a', stopGraceMs: 0 } });
  }, 60_000);
  afterAll(async () => {
    await world?.close();
  });

  const paused = (message: EmulatedMessage, what: string) =>
    world.until(
      what,
      () => {
        const m = world.current(message);
        return (
          buttonIds(m).includes('run.verify-continue') && shown(m).includes('— executing') && m
        );
      },
      30_000,
    );
  const runIdOf = (m: EmulatedMessage) => /run (r_[a-z2-7]+) ·/.exec(shown(m))?.[1] ?? '';

  it('after a restart the same message offers Continue / Roll back, and Continue finishes the window', async () => {
    await world.command('deploy checkout 1.4.3 --env staging', ONCALL);
    const message = await world.until('a plan', () => world.plans()[0]);
    await world.prometheus.stop();
    try {
      await world.click(message, 'run.confirm', ONCALL);
      await paused(message, 'the pause before the restart');
      const before = world.slack.calls('chat.update').length;

      // Process A dies; process B starts on the same data and finds the run orphaned.
      await world.restart({
        ownerId: 'bot-b',
        runs: { staleAfterMs: 300, heartbeatMs: 100 },
      });
      await world.until(
        'the message to be updated by the new process',
        () => world.slack.calls('chat.update').length > before,
        30_000,
      );
      const again = await paused(message, 'the pause after the restart');
      expect(world.plans()).toHaveLength(1);
      expect(buttonIds(again)).toEqual(['run.verify-continue', 'run.verify-rollback']);
    } finally {
      await world.prometheus.start();
    }
    await world.click(world.current(message), 'run.verify-continue', ONCALL);
    await world.until(
      'the run to succeed',
      () => shown(world.current(message)).includes('— succeeded'),
      40_000,
    );
    await world.bot.engine.idle();
    expect(liveImage(world.kube, STAGING)).toBe('shop/checkout:1.4.3');
    const deployLog = createDeployLog({ db: world.bot.store.db, ledger: world.bot.ledger });
    // One record for the run, carried across the restart, not one per process.
    expect(await deployLog.deploysOfRun(runIdOf(message))).toMatchObject([
      { kind: 'deploy', toImage: 'shop/checkout:1.4.3', outcome: 'succeeded' },
    ]);
    const kinds: string[] = [];
    for await (const e of world.bot.ledger.read()) {
      if (e.subject === `run:${runIdOf(message)}`) kinds.push(e.kind);
    }
    expect(kinds).toContain('run.verification.decision');
  }, 120_000);
});
