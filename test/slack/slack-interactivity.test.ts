import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendBlockAction, sendEvent } from '../../src/sandbox/slack/sign-request.ts';
import { SIGNING_SECRET, startBot, type TestBot, visibleText } from '../support/slack.ts';

describe('slack/create-slack-app: buttons and mentions', () => {
  let bot: TestBot;
  let release: () => void = () => {};
  const seen: Array<{ actionId: string; value: string | undefined; user: string }> = [];
  beforeAll(async () => {
    bot = await startBot({
      actionHandlers: {
        'run.approve': async (request) => {
          seen.push({ actionId: request.actionId, value: request.value, user: request.user.id });
          // Hold the handler open: the click must already have been acked.
          await new Promise<void>((resolve) => {
            release = resolve;
          });
          await request.respond({ text: `approved ${request.value}`, blocks: [] });
        },
      },
    });
  });
  afterAll(() => bot.close());
  beforeEach(() => {
    bot.emulator.reset();
    seen.length = 0;
  });

  it('acks a click before its handler finishes, then the handler answers', async () => {
    const sent = await sendBlockAction(
      bot.eventsUrl,
      {
        actionId: 'run.approve',
        value: 'run-7',
        userId: 'U01BOBBY02',
        responseUrl: bot.emulator.responseUrl('approve'),
      },
      { signingSecret: SIGNING_SECRET },
    );
    expect(sent.status).toBe(200);
    await bot.emulator.waitFor(() => seen[0]);
    expect(bot.emulator.responses('approve')).toEqual([]);
    release();
    const reply = await bot.emulator.waitFor(() => bot.emulator.responses('approve')[0]);
    expect(reply.body).toMatchObject({ text: 'approved run-7', replace_original: false });
    expect(seen).toEqual([{ actionId: 'run.approve', value: 'run-7', user: 'U01BOBBY02' }]);
  });

  it('tells the clicker that a button without a handler does nothing yet', async () => {
    const sent = await sendBlockAction(
      bot.eventsUrl,
      { actionId: 'mystery.button', responseUrl: bot.emulator.responseUrl('mystery') },
      { signingSecret: SIGNING_SECRET },
    );
    expect(sent.status).toBe(200);
    const reply = await bot.emulator.waitFor(() => bot.emulator.responses('mystery')[0]);
    expect(visibleText(reply.body)).toContain(
      'This button is not active in this release; nothing was done.',
    );
    expect(reply.body.response_type).toBe('ephemeral');
    expect(bot.logs.find('click on a button without a handler').at(-1)).toMatchObject({
      action_id: 'mystery.button',
      user: 'U0ALICE',
    });
  });

  it('answers a mention in its thread with a pointer to /mc help', async () => {
    const sent = await sendEvent(
      bot.eventsUrl,
      {
        type: 'app_mention',
        user: 'U0ALICE',
        text: '<@U0MCBOT> what can you do?',
        ts: '1700000200.000100',
        channel: 'C0INCIDENT',
        event_ts: '1700000200.000100',
      },
      { signingSecret: SIGNING_SECRET },
    );
    expect(sent.status).toBe(200);
    const message = await bot.emulator.waitFor(() => bot.emulator.messages('C0INCIDENT')[0]);
    expect(message).toMatchObject({
      threadTs: '1700000200.000100',
      text: '<@U0ALICE> I work through slash commands. Type `/mc help` to see what I can do.',
    });
    expect(bot.emulator.unexpected()).toEqual([]);
  });
});
