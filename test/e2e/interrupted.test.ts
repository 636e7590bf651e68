import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatedMessage } from '../../src/sandbox/slack/emulator-types.ts';
import {
  buttonIds,
  GATEWAY,
  liveImage,
  ONCALL,
  type RollbackWorld,
  STAGING,
  startRollbackWorld,
} from '../support/runs-e2e.ts';
import { seedReleases } from '../support/runs-e2e-kube.ts';
import { shown } from '../support/runs-slack.ts';

const GOOD = 'envoyproxy/envoy:1.28.0';
const BAD = 'envoyproxy/envoy:1.29.0-bad';
const LATEST = 'envoyproxy/envoy:1.29.1';

describe('e2e: a run cut off by a dying process is posted as interrupted, then reverted', () => {
  let world: RollbackWorld;
  beforeAll(async () => {
    world = await startRollbackWorld({
      seed: (kube) => seedReleases(kube, STAGING, GATEWAY, [GOOD, BAD, LATEST]),
      // Process A: its verify waits for a rollout that never gets ready; stop() does not wait.
      bot: { ownerId: 'bot-a', runs: { verifyTimeoutMs: 3_000 }, stopGraceMs: 0 },
    });
  });
  afterAll(async () => {
    await world?.close();
  });

  it('restart → interrupted with Resume/Revert on the same message → Revert restores', async () => {
    await world.command('rollback gateway --env staging', ONCALL);
    const plan = await world.until('the plan', () => world.plans()[0]);
    expect(shown(plan)).toContain(`revision 3 (\`${LATEST}\`) → revision 2 (\`${BAD}\`)`);
    await world.click(plan, 'run.confirm', ONCALL);
    const current = (): EmulatedMessage => world.plans().find((m) => m.ts === plan.ts) ?? plan;
    await world.until('the step to run', () =>
      shown(current()).includes(':arrows_counterclockwise: *Step 1*'),
    );
    await world.until(
      'the bad image to be live',
      () => liveImage(world.kube, STAGING, GATEWAY) === BAD,
    );
    const runId = /run (r_[a-z2-7]+) ·/.exec(shown(plan))?.[1];

    // Process A dies mid-verify; process B starts at once on the same data dir (a crash-looping
    // pod) and finds the run orphaned: the data-dir lock proves A is gone, whatever the heartbeat
    // (still fresh: the default 30 s staleness has not passed).
    await world.restart({ ownerId: 'bot-b', runs: { verifyTimeoutMs: 15_000 } });
    const interrupted = await world.until('the interrupted message', () => {
      const m = current();
      return shown(m).includes('interrupted while executing') && m;
    });
    expect(world.plans()).toHaveLength(1);
    expect(buttonIds(interrupted)).toEqual(['run.resume', 'run.revert']);
    expect(shown(interrupted)).toContain(
      'Resume continues from the first unfinished step; Revert undoes the steps that ran.',
    );
    const [notice] = await world.until(
      'the thread notice',
      () => world.thread(plan).length > 0 && world.thread(plan),
    );
    expect(notice!.text).toContain(
      `Run ${runId} (Rollback \`gateway\` in \`staging\`) was interrupted`,
    );

    await world.click(interrupted, 'run.revert', ONCALL);
    const reverted = await world.until('the revert to finish', () => {
      const m = current();
      return shown(m).includes('— reverted') && m;
    });
    await world.bot.engine.idle();
    expect(liveImage(world.kube, STAGING, GATEWAY)).toBe(LATEST);
    expect(buttonIds(reverted)).toEqual([]);
    expect(shown(reverted)).toMatch(/<https:\/\/mc\.test\/evidence\/[^|]+\|Evidence>/);
    const replies = await world.until(
      'the outcome reply',
      () => world.thread(plan).length > 1 && world.thread(plan),
    );
    expect(replies.at(-1)!.text).toContain('was reverted');

    const kinds: [string, string][] = [];
    for await (const entry of world.bot.ledger.read()) {
      if (entry.subject === `run:${runId}` && entry.kind !== 'run.step')
        kinds.push([entry.kind, entry.actor]);
    }
    expect(kinds).toEqual(
      expect.arrayContaining([
        ['run.interrupted', 'mc'],
        ['run.reverting', ONCALL],
        ['run.reverted', expect.any(String)],
      ]),
    );
  });
});
