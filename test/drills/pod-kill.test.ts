import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ONCALL, type RollbackWorld, STAGING } from '../support/runs-e2e.ts';
import { shown } from '../support/runs-slack.ts';
import {
  drillMessage,
  drillWhen,
  finishedDrills,
  runCard,
  seedDrillCluster,
  startRollbackWorld,
} from './drill-world.ts';

describe('e2e: /mc drill pod-kill against the Kubernetes emulator', () => {
  let world: RollbackWorld;
  beforeAll(async () => {
    // Slow ticks: a replacement pod takes a few hundred ms to be ready, so recovery is visible.
    world = await startRollbackWorld({ seed: seedDrillCluster, tickMs: 150 });
  });
  afterAll(async () => {
    await world?.close();
  });

  it('plans with blast radius, deletes a pod on Confirm, measures recovery from the cluster, records the result', async () => {
    const pods = () =>
      world.kube
        .list('Pod', 'checkout', STAGING)
        .filter((p) => !p.metadata.deletionTimestamp)
        .map((p) => p.metadata.name);
    const before = pods();
    expect(before).toHaveLength(3);
    await world.command('drill pod-kill checkout --env staging', ONCALL);
    const planned = await drillWhen(world, 'the drill plan', (t) =>
      t.includes('waiting for the fault run'),
    );
    const text = shown(planned);
    expect(text).toContain('Blast radius');
    expect(text).toContain('Deletes 1 of 3 pods (a third, at least one) of `checkout/staging`');
    expect(text).toContain('Restore plan');
    expect(text).toContain('RTO 2m');
    const runId = /run `(r_[a-z2-7]+)`/.exec(text)?.[1] ?? '';
    const card = await world.until('the fault run card', () => runCard(world, runId));
    await world.click(card, 'run.confirm', ONCALL);

    const done = await drillWhen(world, 'the drill result', (t) => t.includes('*Result*'));
    const result = shown(done);
    expect(result).toContain('PASSED');
    expect(result).toMatch(/Recovery: [\d.]+s \(RTO 2m\)/);
    expect(result).toContain('Signed evidence');
    // One pod was replaced: a new name, the victim gone.
    const after = pods();
    expect(after).toHaveLength(3);
    expect(after.filter((n) => !before.includes(n))).toHaveLength(1);

    const [entry] = await finishedDrills(world);
    expect(entry).toMatchObject({
      scenario: 'pod-kill',
      service: 'checkout',
      env: 'staging',
      outcome: 'passed',
      rtoSeconds: 120,
    });
    // Measured from the emulator: a replacement pod needs at least two ticks (create, ready).
    expect(entry?.recoverySeconds).toBeGreaterThan(0.2);
    // PASSED already says it recovered within the RTO; a busy machine only slows the ticks.
    expect(entry?.recoverySeconds).toBeLessThan(120);
    expect(entry?.evidenceUrl).toMatch(/^https:\/\/mc\.test\/evidence\//);
    // The order of what happened, not a transient a sampler may or may not catch (on a busy
    // machine the replacement pod can be ready before the first sample sees it missing).
    expect(entry?.timeline?.map((t) => t.event).join('\n')).toMatch(
      /fault injected: checkout\/staging delete 1 pod of 3[\s\S]*recovered in/,
    );
    console.log(`[measured] pod-kill recovery ${entry?.recoverySeconds}s`);

    await world.command('drill report checkout', ONCALL);
    const report = await world.until('the report', () =>
      world.slack
        .responses()
        .map((r) => JSON.stringify(r.body))
        .find((b) => b.includes('Drills of')),
    );
    expect(report).toMatch(/pod-kill.*checkout\/staging.*passed.*recovered in [\d.]+s/);
    expect(drillMessage(world)).toBeDefined();
  });
});
