import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRILL_FINISHED, drillSubject } from '../../src/domain/drills/drill-result.ts';
import { GATE_RERUN_ACTION } from '../../src/slack/render/gate-message.ts';
import { LEAD, ONCALL, type RollbackWorld, startRollbackWorld } from '../support/runs-e2e.ts';
import { visibleText } from '../support/slack.ts';

const text = (m: { blocks: unknown[] }) => JSON.stringify(m.blocks);

describe('/mc gate through the whole bot', () => {
  let world: RollbackWorld;
  beforeAll(async () => {
    world = await startRollbackWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('refuses a requester without a gate role, and posts nothing', async () => {
    const sent = await world.command('gate checkout 1.4.2 --env staging', ONCALL);
    const [answer] = await world.until('the refusal', () => {
      const a = world.answers(sent.responseId);
      return a.length > 0 && a;
    });
    expect(visibleText(answer!)).toMatch(/Only .*sre-lead.* may run `\/mc gate`/);
    expect(world.plans()).toHaveLength(0);
  });

  it('posts one message whose decision and counts come from the checks; Re-run updates it', async () => {
    await world.command('gate checkout 1.4.2 --env staging', LEAD);
    const first = structuredClone(await world.until('the gate message', () => world.plans()[0]));
    expect(first.text).toBe(
      'NO-GO: 1/5 gates passed, 3 failed: Supply chain immutability, Resilience drills, Disaster recovery, 1 inconclusive: Observability',
    );
    expect(text(first)).toContain('not pinned by digest: app=`shop/checkout:1.4.2`');
    expect(text(first)).toContain('PROMETHEUS_URL is not set');
    expect(text(first)).toMatch(/Sign-offs needed: `release-manager`, `sre-lead`, `qa-lead`/);

    // Both drills pass; Re-run edits the same message with the new decision.
    for (const scenario of ['pod-kill', 'rollback-rehearsal']) {
      await world.bot.ledger.append({
        actor: 'mc',
        kind: DRILL_FINISHED,
        subject: drillSubject('checkout', 'staging'),
        data: {
          drillId: `d-${scenario}`,
          scenario,
          service: 'checkout',
          env: 'staging',
          outcome: 'passed',
          startedAt: new Date(Date.now() - 600_000).toISOString(),
          finishedAt: new Date(Date.now() - 500_000).toISOString(),
          recoverySeconds: 31,
          rtoSeconds: 900,
          requestedBy: LEAD,
        },
      });
    }
    const clicked = await world.click(first, GATE_RERUN_ACTION, LEAD);
    expect(clicked.status).toBe(200);
    const updated = await world.until('the message updated', () => {
      const m = world.plans()[0];
      return m && m.text !== first.text && m;
    });
    expect(world.plans()).toHaveLength(1);
    expect(updated.ts).toBe(first.ts);
    expect(updated.text).toBe(
      'NO-GO: 3/5 gates passed, 1 failed: Supply chain immutability, 1 inconclusive: Observability',
    );
    expect(text(updated)).toContain('31 s recovery');
    const kinds: string[] = [];
    for await (const entry of world.bot.ledger.read()) kinds.push(entry.kind);
    expect(kinds.filter((k) => k === 'gate.evaluated')).toHaveLength(2);
  });
});
