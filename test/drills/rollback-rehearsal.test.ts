import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMAGES, LEAD, liveImage, ONCALL, PROD, type RollbackWorld } from '../support/runs-e2e.ts';
import { shown } from '../support/runs-slack.ts';
import {
  drillWhen,
  finishedDrills,
  runCard,
  seedDrillCluster,
  startRollbackWorld,
} from './drill-world.ts';

const [, PREVIOUS, CURRENT] = IMAGES;

describe('e2e: /mc drill rollback-rehearsal in prod, through the run engine and its approvals', () => {
  let world: RollbackWorld;
  beforeAll(async () => {
    world = await startRollbackWorld({ seed: seedDrillCluster, tickMs: 50 });
  });
  afterAll(async () => {
    await world?.close();
  });

  it('needs an sre-lead approval, rolls back and forward as two runs, and times each leg', async () => {
    expect(liveImage(world.kube, PROD)).toBe(CURRENT);
    await world.command(
      'drill rollback-rehearsal checkout --env prod --reason quarterly game day',
      ONCALL,
    );
    const planned = await drillWhen(world, 'the plan', (t) =>
      t.includes('waiting for the fault run'),
    );
    const runId = /run `(r_[a-z2-7]+)`/.exec(shown(planned))?.[1] ?? '';
    expect(shown(planned)).toContain(
      `rollback: revision 3 (\`${CURRENT}\`) → revision 2 (\`${PREVIOUS}\`)`,
    );
    const card = await world.until('the fault run card', () => runCard(world, runId));
    // The requester cannot approve their own prod drill; Confirm is not enough either.
    await world.click(card, 'run.approve', ONCALL);
    await world.click(card, 'run.approve', LEAD);

    const done = await drillWhen(world, 'the result', (t) => t.includes('*Result*'));
    expect(shown(done)).toContain('PASSED');
    expect(shown(done)).toMatch(/roll back: [\d.]+s/);
    expect(shown(done)).toMatch(/roll forward: [\d.]+s/);
    // Forward again: prod runs the release it ran before the drill.
    expect(liveImage(world.kube, PROD)).toBe(CURRENT);

    const [entry] = await finishedDrills(world);
    expect(entry).toMatchObject({ scenario: 'rollback-rehearsal', env: 'prod', outcome: 'passed' });
    const [back, forward] = entry?.legs ?? [];
    expect(back?.seconds).toBeGreaterThan(0);
    expect(forward?.seconds).toBeGreaterThan(0);
    expect(entry?.recoverySeconds).toBe(back?.seconds);
    console.log(
      `[measured] rollback-rehearsal back ${back?.seconds}s, forward ${forward?.seconds}s`,
    );

    // Both legs are runs of the engine, in the ledger: the fault run approved by the lead,
    // and the restore run (a revert of it) that the drill's approval covers.
    const runs: { kind: string; actor: string; subject: string }[] = [];
    for await (const e of world.bot.ledger.read()) {
      if (e.subject.startsWith('run:'))
        runs.push({ kind: e.kind, actor: e.actor, subject: e.subject });
    }
    expect(runs.filter((r) => r.kind === 'run.planned')).toHaveLength(2);
    const approvals = runs.filter((r) => r.kind === 'run.approval');
    expect(approvals.map((r) => [r.actor, r.subject])).toEqual([[LEAD, `run:${runId}`]]);
    // The requester's own click on Approve was refused, not counted.
    expect(runs.some((r) => r.kind === 'run.refused' && r.actor === ONCALL)).toBe(true);
    expect(runs.filter((r) => r.kind === 'run.succeeded')).toHaveLength(2);
  });
});
