import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeployLog } from '../../src/deploys/deploy-log.ts';
import { drillWhen, runCard, seedDrillCluster, startRollbackWorld } from '../drills/drill-world.ts';
import { IMAGES, LEAD, ONCALL, type RollbackWorld } from '../support/runs-e2e.ts';
import { shown } from '../support/runs-slack.ts';

const [, PREVIOUS, CURRENT] = IMAGES;

describe('deploys/record-run-changes: a drill lands in the change log as its fault and its restore', () => {
  let world: RollbackWorld;
  beforeAll(async () => {
    world = await startRollbackWorld({ seed: seedDrillCluster, tickMs: 50 });
  });
  afterAll(async () => {
    await world?.close();
  });

  it('records the rollback rehearsal as drill-fault then drill-restore, each with its run', async () => {
    await world.command(
      'drill rollback-rehearsal checkout --env prod --reason game day rehearsal',
      ONCALL,
    );
    const planned = await drillWhen(world, 'the plan', (t) =>
      t.includes('waiting for the fault run'),
    );
    const faultRun = /run `(r_[a-z2-7]+)`/.exec(shown(planned))?.[1] ?? '';
    const card = await world.until('the fault run card', () => runCard(world, faultRun));
    await world.click(card, 'run.approve', LEAD);
    await drillWhen(world, 'the result', (t) => t.includes('*Result*'));
    await world.bot.engine.idle();

    const log = createDeployLog({ db: world.bot.store.db, ledger: world.bot.ledger });
    const changes = await log.recentDeploys({
      service: 'checkout',
      env: 'prod',
      since: new Date(0),
    });
    expect(changes.slice(0, 2)).toMatchObject([
      { kind: 'drill-restore', fromImage: PREVIOUS, toImage: CURRENT, outcome: 'succeeded' },
      {
        kind: 'drill-fault',
        fromImage: CURRENT,
        toImage: PREVIOUS,
        by: ONCALL,
        runId: faultRun,
        outcome: 'succeeded',
      },
    ]);
    expect(changes[0]?.runId).not.toBe(faultRun);
  });
});
