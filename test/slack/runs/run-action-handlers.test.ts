import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeRunButton } from '../../../src/findings/index.ts';
import { createRunActionHandlers } from '../../../src/slack/runs/run-action-handlers.ts';
import { slackGroupMembers } from '../../../src/slack/runs/slack-group-members.ts';
import { createFakeEngine, type FakeEngine } from '../../support/runs-fake-engine.ts';
import { type RunsTestBot, shown, startRunsBot } from '../../support/runs-slack.ts';
import { HASH, LEAD, makeView, REQUESTER } from '../../support/runs-views.ts';
import { loadRepoConfig, visibleText } from '../../support/slack.ts';

const CHANNEL = 'C0OPS';
const MESSAGE_TS = '1700000000.000100';
const OUTSIDER = 'U0NOBODY01';

describe('src/slack/runs/run-action-handlers', () => {
  let bot: RunsTestBot;
  let engine: FakeEngine;
  const view = makeView({ env: 'prod', channel: CHANNEL });
  const value = encodeRunButton({ runId: view.run.id, planHash: HASH });

  beforeEach(async () => {
    bot = await startRunsBot();
    engine = createFakeEngine([view]);
    const { catalog } = await loadRepoConfig();
    Object.assign(
      bot.actionHandlers,
      createRunActionHandlers({
        engine,
        client: bot.client,
        catalog,
        groupMembers: slackGroupMembers(bot.client),
        log: bot.logs.log,
        metrics: bot.metrics,
      }),
    );
    bot.emulator.seedUsergroup('S01SRELEAD', [LEAD]);
    bot.emulator.seedUsergroup('S02RELMGRS', []);
  });
  afterEach(async () => {
    await bot.close();
  });

  // Where the click came from: the engine refuses clicks from another team or channel.
  const ORIGIN = { team: 'T0EMULATE', channel: CHANNEL };
  const click = (actionId: string, userId: string, v = value) =>
    bot.click({ actionId, value: v, userId, channelId: CHANNEL, messageTs: MESSAGE_TS });
  const ephemeralsFor = (user: string) =>
    bot.emulator.ephemerals(CHANNEL).filter((e) => e.user === user);

  it.each([
    [
      'run.confirm',
      'confirm',
      [view.run.id, { id: REQUESTER, name: REQUESTER.toLowerCase(), origin: ORIGIN }, HASH],
    ],
    [
      'run.approve',
      'approve',
      [
        view.run.id,
        { id: REQUESTER, name: REQUESTER.toLowerCase(), origin: ORIGIN },
        HASH,
        undefined,
      ],
    ],
    [
      'run.reject',
      'reject',
      [view.run.id, { id: REQUESTER, name: REQUESTER.toLowerCase(), origin: ORIGIN }, undefined],
    ],
    [
      'run.cancel',
      'cancel',
      [view.run.id, { id: REQUESTER, name: REQUESTER.toLowerCase(), origin: ORIGIN }],
    ],
    [
      'run.resume',
      'resume',
      [view.run.id, { id: REQUESTER, name: REQUESTER.toLowerCase(), origin: ORIGIN }],
    ],
  ] as const)(
    '%s calls engine.%s with the run id, plan hash and the clicker; success says nothing',
    async (actionId, method, args) => {
      const sent = await click(actionId, REQUESTER);
      expect(sent.status).toBe(200);
      await bot.emulator.waitFor(() => engine.callsOf(method).length > 0);
      expect(engine.callsOf(method)).toEqual([args]);
      await new Promise((r) => setTimeout(r, 50));
      expect(bot.emulator.ephemerals()).toEqual([]);
      expect(bot.emulator.responses(sent.responseId)).toEqual([]);
    },
  );

  it('a refused approval tells the clicker alone why, and who may approve (group members included)', async () => {
    engine.next.approve = [
      {
        ok: false,
        code: 'not_an_approver',
        message: 'Only sre-lead or release-manager may approve `/mc rollback` in `prod`.',
        view,
      },
    ];
    await click('run.approve', OUTSIDER);
    const [told] = await bot.emulator.waitFor(
      () => ephemeralsFor(OUTSIDER).length > 0 && ephemeralsFor(OUTSIDER),
    );
    const text = shown(told!);
    expect(text).toContain(
      'Only sre-lead or release-manager may approve `/mc rollback` in `prod`.',
    );
    expect(text).toContain(
      '*sre-lead*: <@U01ALICE01>, <@U01BOBBY02>, <!subteam^S01SRELEAD> (<@U0LEAD0001>)',
    );
    expect(text).toContain('*release-manager*: <@U02CAROL03>, <!subteam^S02RELMGRS> (no members)');
    expect(text).toContain('Nothing was changed.');
    expect(bot.emulator.ephemerals()).toHaveLength(1);
    expect(bot.emulator.messages(CHANNEL)).toEqual([]);
  });

  it('the requester approving their own run is refused with the engine message', async () => {
    const message =
      'You asked for this run, so you cannot approve it: `prod` is protected. Ask someone with the sre-lead or release-manager role.';
    engine.next.approve = [{ ok: false, code: 'self_approval', message, view }];
    await click('run.approve', REQUESTER);
    const [told] = await bot.emulator.waitFor(
      () => ephemeralsFor(REQUESTER).length > 0 && ephemeralsFor(REQUESTER),
    );
    expect(shown(told!)).toContain(message);
  });

  it('a button that names no run is refused without asking the engine', async () => {
    await click('run.approve', REQUESTER, '{"service":"checkout","env":"prod"}');
    const [told] = await bot.emulator.waitFor(
      () => ephemeralsFor(REQUESTER).length > 0 && ephemeralsFor(REQUESTER),
    );
    expect(shown(told!)).toContain('does not name a run');
    expect(engine.calls).toEqual([]);
  });

  it('Revert of a run that needs no approval starts the revert run at once', async () => {
    const revertRun = makeView({ id: 'r_revert000001', env: 'staging', revertOf: view.run.id });
    revertRun.run.requester = OUTSIDER;
    engine.views.set(revertRun.run.id, revertRun);
    engine.next.revert = [{ ok: true, view: revertRun }];
    await click('run.revert', OUTSIDER);
    await bot.emulator.waitFor(() => engine.callsOf('confirm').length > 0);
    expect(engine.callsOf('confirm')).toEqual([
      [revertRun.run.id, { id: OUTSIDER, name: OUTSIDER.toLowerCase(), origin: ORIGIN }, HASH],
    ]);
  });

  it('Revert of a protected run leaves the revert run waiting for approvers', async () => {
    const revertRun = makeView({ id: 'r_revert000002', env: 'prod', revertOf: view.run.id });
    engine.next.revert = [{ ok: true, view: revertRun }];
    await click('run.revert', REQUESTER);
    await bot.emulator.waitFor(() => engine.callsOf('revert').length > 0);
    await new Promise((r) => setTimeout(r, 50));
    expect(engine.callsOf('confirm')).toEqual([]);
  });

  it('when chat.postEphemeral fails, the refusal goes through the response_url', async () => {
    bot.emulator.failNext('chat.postEphemeral', { kind: 'error', error: 'channel_not_found' });
    engine.next.cancel = [
      {
        ok: false,
        code: 'not_requester',
        message: `Only <@${REQUESTER}>, who asked for run ${view.run.id}, can cancel it.`,
        view,
      },
    ];
    const sent = await click('run.cancel', OUTSIDER);
    const [posted] = await bot.emulator.waitFor(
      () =>
        bot.emulator.responses(sent.responseId).length > 0 &&
        bot.emulator.responses(sent.responseId),
    );
    expect(posted!.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(visibleText(posted!.body)).toContain(
      `Only <@${REQUESTER}>, who asked for run ${view.run.id}, can cancel it.`,
    );
  });
});
