import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatedMessage } from '../../src/sandbox/slack/emulator-types.ts';
import {
  buttonIds,
  CHANNEL,
  IMAGES,
  LEAD,
  liveImage,
  NOBODY,
  ONCALL,
  ONCALL2,
  PROD,
  type RollbackWorld,
  STAGING,
  startRollbackWorld,
} from '../support/runs-e2e.ts';
import { shown } from '../support/runs-slack.ts';
import { visibleText } from '../support/slack.ts';

const [, PREVIOUS, CURRENT] = IMAGES;

/** The run id a plan message names in its footer. */
function runIdOf(message: EmulatedMessage): string {
  const id = /run (r_[a-z2-7]+) ·/.exec(shown(message))?.[1];
  if (!id) throw new Error(`no run id in: ${shown(message)}`);
  return id;
}

describe('e2e: /mc rollback through Slack, the run engine, Kubernetes and the ledger', () => {
  let world: RollbackWorld;
  beforeAll(async () => {
    world = await startRollbackWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  const ledger = async (runId: string) => {
    const entries: { kind: string; actor: string; code?: unknown }[] = [];
    for await (const entry of world.bot.ledger.read()) {
      const { kind, actor, data } = entry;
      const code = (data as { code?: unknown } | null)?.code;
      if (entry.subject === `run:${runId}`) entries.push({ kind, actor, code });
    }
    return entries;
  };
  const ephemeralsFor = (user: string) =>
    world.slack.ephemerals(CHANNEL).filter((e) => e.user === user);
  const newPlan = (before: number) =>
    world.until('a new plan message', () => world.plans().length > before && world.plans().at(-1));
  const current = (message: EmulatedMessage) =>
    world.plans().find((m) => m.ts === message.ts) ??
    world.slack.messages(CHANNEL).find((m) => m.ts === message.ts)!;

  it('--dry-run shows the plan to the requester only and creates nothing', async () => {
    const before = world.plans().length;
    const sent = await world.command('rollback checkout --env staging --dry-run', ONCALL);
    expect(sent.status).toBe(200);
    const [answer] = await world.until(
      'the dry-run answer',
      () => world.answers(sent.responseId).length > 0 && world.answers(sent.responseId),
    );
    const text = visibleText(answer!);
    expect(answer).toMatchObject({ response_type: 'ephemeral' });
    expect(text).toContain('(dry run)');
    expect(text).toContain(`revision 3 (\`${CURRENT}\`) → revision 2 (\`${PREVIOUS}\`), 3 pods`);
    expect(text).toContain('Nothing was created and nothing changed.');
    expect(world.plans()).toHaveLength(before);
    expect(
      buttonIds({ ...answer!, blocks: answer!.blocks as unknown[] } as EmulatedMessage),
    ).toEqual([]);
  });

  it('staging: plan → Confirm → rolled back, one message edited in place, ledger, thread, evidence; Revert restores', async () => {
    const before = world.plans().length;
    const sent = await world.command('rollback checkout --env staging', ONCALL);
    expect(sent.status).toBe(200);
    const plan = await newPlan(before);
    const runId = runIdOf(plan);
    expect(shown(plan)).toContain('Rollback `checkout` in `staging`* — waiting for confirmation');
    expect(shown(plan)).toContain(
      `revision 3 (\`${CURRENT}\`) → revision 2 (\`${PREVIOUS}\`), 3 pods`,
    );
    expect(shown(plan)).toContain(`- app: ${CURRENT}\n+ app: ${PREVIOUS}`);
    expect(shown(plan)).toContain(`<@${ONCALL}>`);
    expect(shown(plan)).toMatch(/<!date\^\d+\^\{date_short_pretty\} \{time\}\|/);
    expect(buttonIds(plan)).toEqual(['run.confirm', 'run.cancel']);
    expect(liveImage(world.kube, STAGING)).toBe(CURRENT);

    // Someone else's Confirm is refused, to them alone; nothing moves.
    await world.click(plan, 'run.confirm', ONCALL2);
    const [refusal] = await world.until(
      'a refusal',
      () => ephemeralsFor(ONCALL2).length > 0 && ephemeralsFor(ONCALL2),
    );
    expect(shown(refusal!)).toContain(
      `Only <@${ONCALL}>, who asked for run ${runId}, can confirm it.`,
    );
    expect(liveImage(world.kube, STAGING)).toBe(CURRENT);

    await world.click(plan, 'run.confirm', ONCALL);
    const done = await world.until('the run to succeed', () => {
      const m = current(plan);
      return shown(m).includes('— succeeded') && m;
    });
    await world.bot.engine.idle();
    expect(liveImage(world.kube, STAGING)).toBe(PREVIOUS);
    expect(world.plans()).toHaveLength(before + 1);
    expect(done.edits).toBeGreaterThanOrEqual(2);
    expect(buttonIds(done)).toEqual(['run.revert']);
    const entries = await ledger(runId);
    const transitions = entries.map((e) => e.kind).filter((k) => k !== 'run.step');
    expect(transitions).toEqual([
      'run.planned',
      'run.refused',
      'run.approved',
      'run.executing',
      'run.succeeded',
      'evidence.recorded',
    ]);
    expect(entries.find((e) => e.kind === 'run.approved')?.actor).toBe(ONCALL);
    expect(entries.filter((e) => e.kind === 'run.step').length).toBeGreaterThanOrEqual(1);

    const [reply] = await world.until(
      'the outcome reply',
      () => world.thread(plan).length > 0 && world.thread(plan),
    );
    expect(world.thread(plan)).toHaveLength(1);
    const link = /<(https:\/\/mc\.test\/evidence\/[^|>]+)\|Evidence>/.exec(shown(reply!))?.[1];
    expect(link).toBeDefined();
    expect(shown(done)).toContain(`<${link}|Evidence>`);
    const page = await fetch(`${world.baseUrl}${new URL(link!).pathname}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(runId);

    // One click (after Slack's confirm dialog) undoes it: the revert run executes in the thread.
    await world.click(done, 'run.revert', ONCALL);
    const reverted = await world.until('the revert run to succeed', () =>
      world
        .thread(plan)
        .find(
          (m) => shown(m).includes(`Revert of run ${runId}`) && shown(m).includes('— succeeded'),
        ),
    );
    await world.bot.engine.idle();
    expect(liveImage(world.kube, STAGING)).toBe(CURRENT);
    expect(buttonIds(reverted)).toEqual([]);
    await world.until(
      'the original to lose its Revert button',
      () => buttonIds(current(plan)).length === 0,
    );
    expect(shown(current(plan))).toContain(`Undone by run ${runIdOf(reverted)}.`);
    expect(world.plans()).toHaveLength(before + 1);
  });

  it('prod: reason required; approvers only, never the requester; a double click executes once', async () => {
    const before = world.plans().length;
    const noReason = await world.command('rollback checkout --env prod', ONCALL);
    const [why] = await world.until(
      'the refusal',
      () => world.answers(noReason.responseId).length > 0 && world.answers(noReason.responseId),
    );
    expect(why).toMatchObject({ response_type: 'ephemeral' });
    expect(visibleText(why!)).toContain('`/mc rollback` in `prod` needs a reason');
    // The hint is the command they typed, ready to copy with a reason added.
    expect(visibleText(why!)).toContain('`/mc rollback checkout --env prod --reason &lt;why&gt;`');
    expect(world.plans()).toHaveLength(before);

    await world.command(
      'rollback checkout --env prod --reason p99 latency doubled after 1.4.2',
      ONCALL,
    );
    const plan = await newPlan(before);
    const runId = runIdOf(plan);
    expect(shown(plan)).toContain('waiting for approval');
    expect(shown(plan)).toContain('0 of 1 (sre-lead, release-manager)');
    expect(shown(plan)).toContain('p99 latency doubled after 1.4.2');
    expect(buttonIds(plan)).toEqual(['run.approve', 'run.reject', 'run.cancel']);

    await world.click(plan, 'run.approve', ONCALL);
    const [self] = await world.until(
      'the self-approval refusal',
      () => ephemeralsFor(ONCALL).length > 0 && ephemeralsFor(ONCALL).slice(-1),
    );
    expect(shown(self!)).toContain('You asked for this run, so you cannot approve it');

    await world.click(plan, 'run.approve', NOBODY);
    const [outsider] = await world.until(
      'the outsider refusal',
      () => ephemeralsFor(NOBODY).length > 0 && ephemeralsFor(NOBODY),
    );
    expect(shown(outsider!)).toContain(
      'Only sre-lead or release-manager may approve `/mc rollback` in `prod`.',
    );
    expect(shown(outsider!)).toContain(`<!subteam^S01SRELEAD> (<@${LEAD}>)`);
    expect(current(plan).edits).toBe(0);
    expect(liveImage(world.kube, PROD)).toBe(CURRENT);

    // The SRE lead holds the role through the user group only; they click twice at once.
    const undoPatches = () =>
      world.kube.requests.filter(
        (r) =>
          r.cluster === PROD && r.method === 'PATCH' && r.path.endsWith('/deployments/checkout'),
      ).length;
    const patchesBefore = undoPatches();
    const clicks = await Promise.all([
      world.click(plan, 'run.approve', LEAD),
      world.click(plan, 'run.approve', LEAD),
    ]);
    expect(clicks.map((c) => c.status)).toEqual([200, 200]);
    await world.until('the prod run to succeed', () =>
      shown(current(plan)).includes('— succeeded'),
    );
    await world.bot.engine.idle();
    expect(liveImage(world.kube, PROD)).toBe(PREVIOUS);
    expect(undoPatches() - patchesBefore).toBe(1);
    const entries = await ledger(runId);
    const kinds = entries.map((e) => e.kind);
    expect(kinds.filter((k) => k === 'run.executing')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'run.approval')).toHaveLength(1);
    const refusals = entries.filter((e) => e.kind === 'run.refused');
    expect(refusals.map((e) => [e.actor, e.code])).toEqual([
      [ONCALL, 'self_approval'],
      [NOBODY, 'not_an_approver'],
      [LEAD, expect.stringMatching(/^(wrong_state|already_approved)$/)],
    ]);
    const [second] = await world.until(
      'the second click told',
      () => ephemeralsFor(LEAD).length > 0 && ephemeralsFor(LEAD),
    );
    expect(shown(second!)).toMatch(/already (approved|been)/);
    expect(shown(current(plan))).toContain(`approved by <@${LEAD}> (sre-lead)`);
  });

  it('a rollback to a revision that does not exist is refused with the known ones', async () => {
    const before = world.plans().length;
    const sent = await world.command('rollback checkout --env staging --to 99', ONCALL);
    const [answer] = await world.until(
      'the refusal',
      () => world.answers(sent.responseId).length > 0 && world.answers(sent.responseId),
    );
    expect(visibleText(answer!)).toMatch(/revision 99/i);
    expect(visibleText(answer!)).toContain('Nothing was changed.');
    expect(world.plans()).toHaveLength(before);
  });
});
