import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newTriggerId, sendBlockAction, sendEvent } from '../../src/sandbox/slack/sign-request.ts';
import { openStore } from '../../src/store/open-store.ts';
import { createRequestDedupe } from '../../src/store/request-dedupe.ts';
import { SIGNING_SECRET, startBot, type TestBot } from '../support/slack.ts';
import { createMemoryDedupe } from '../support/slack-dedupe.ts';
import { captureLogs } from '../support/slack-logs.ts';

async function counter(bot: TestBot, name: string): Promise<number> {
  const text = await (await fetch(`${bot.baseUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1] ?? Number.NaN);
}

// A retry that ran would reply within milliseconds; wait long enough to see it if it did.
const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

describe('slack/create-slack-app: Slack retries', () => {
  let bot: TestBot;
  const clicks: string[] = [];
  beforeAll(async () => {
    bot = await startBot({
      dedupe: createMemoryDedupe(),
      actionHandlers: {
        'run.confirm': async (request) => {
          clicks.push(request.value ?? '');
          await request.respond({ text: `confirmed ${request.value}`, blocks: [] });
        },
      },
    });
  });
  afterAll(() => bot.close());
  beforeEach(() => {
    bot.emulator.reset();
    clicks.length = 0;
  });

  it('acks a retried command (same trigger_id) but runs it once', async () => {
    const first = await bot.command('rollback checkout --env staging');
    await bot.emulator.waitFor(() => bot.emulator.responses(first.responseId)[0]);
    const dropped = await counter(bot, 'mc_slack_retries_dropped_total');
    const retry = await bot.command('rollback checkout --env staging', {
      triggerId: first.triggerId,
      retryNum: 1,
      retryReason: 'http_timeout',
    });
    expect(retry.status).toBe(200);
    await settle();
    expect(bot.emulator.responses()).toHaveLength(1);
    expect(await counter(bot, 'mc_slack_retries_dropped_total')).toBe(dropped + 1);
    expect(bot.logs.find('retry dropped').at(-1)).toMatchObject({
      trigger_id: first.triggerId,
      retry_num: 1,
      retry_reason: 'http_timeout',
    });
  });

  it('runs a command whose first delivery never reached us, even with a retry header', async () => {
    const sent = await bot.command('help', { retryNum: 2 });
    expect(sent.status).toBe(200);
    await bot.emulator.waitFor(() => bot.emulator.responses(sent.responseId)[0]);
  });

  it('runs a retried click once', async () => {
    const click = {
      actionId: 'run.confirm',
      value: 'run-42',
      messageTs: '1700000000.000200',
      actionTs: '1700000005.123456',
      responseUrl: bot.emulator.responseUrl('click'),
    };
    const first = await sendBlockAction(bot.eventsUrl, click, { signingSecret: SIGNING_SECRET });
    const again = await sendBlockAction(bot.eventsUrl, click, {
      signingSecret: SIGNING_SECRET,
      retryNum: 1,
    });
    expect([first.status, again.status]).toEqual([200, 200]);
    await bot.emulator.waitFor(() => bot.emulator.responses('click')[0]);
    await settle();
    expect(clicks).toEqual(['run-42']);
    expect(bot.emulator.responses('click')).toHaveLength(1);
  });

  it('answers a retried mention once', async () => {
    const mention = {
      type: 'app_mention',
      user: 'U0ALICE',
      text: '<@U0MCBOT> hello',
      ts: '1700000100.000100',
      channel: 'C0OPS',
      event_ts: '1700000100.000100',
    };
    const options = { signingSecret: SIGNING_SECRET, eventId: 'Ev0RETRY01' };
    expect((await sendEvent(bot.eventsUrl, mention, options)).status).toBe(200);
    expect((await sendEvent(bot.eventsUrl, mention, { ...options, retryNum: 1 })).status).toBe(200);
    await bot.emulator.waitFor(() => bot.emulator.messages('C0OPS')[0]);
    await settle();
    expect(bot.emulator.messages('C0OPS')).toHaveLength(1);
  });
});

describe('slack/create-slack-app: Slack retries with the database-backed dedupe', () => {
  it('runs a command once when Slack delivers it twice at the same time', async () => {
    const logs = captureLogs({ level: 'warn' });
    const store = await openStore({ dataDir: null, log: logs.log });
    const bot = await startBot({ dedupe: createRequestDedupe(store.db) });
    try {
      const triggerId = newTriggerId();
      const both = await Promise.all([
        bot.command('status checkout', { triggerId }),
        bot.command('status checkout', { triggerId, retryNum: 1 }),
      ]);
      expect(both.map((sent) => sent.status)).toEqual([200, 200]);
      await bot.emulator.waitFor(() => bot.emulator.responses()[0]);
      await settle();
      expect(bot.emulator.responses()).toHaveLength(1);
      expect(await counter(bot, 'mc_slack_retries_dropped_total')).toBe(1);
    } finally {
      await bot.close();
      await store.close();
    }
  });
});
