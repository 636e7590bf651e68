import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startBot, type TestBot, visibleText } from '../support/slack.ts';
import { createBrokenDedupe } from '../support/slack-dedupe.ts';

describe('slack/create-slack-app: failures', () => {
  let bot: TestBot;
  let release: () => void = () => {};
  beforeAll(async () => {
    bot = await startBot({
      handlers: {
        deploy: async () => {
          throw new Error('kubernetes said no');
        },
        gate: async (request) => {
          await new Promise<void>((resolve) => {
            release = resolve;
          });
          await request.respond({ text: 'gate done', blocks: [] });
          return 'ok';
        },
      },
    });
  });
  afterAll(() => bot.close());
  beforeEach(() => bot.emulator.reset());

  it('acks before the handler finishes its work', async () => {
    const sent = await bot.command('gate checkout v1.4.2');
    expect(sent.status).toBe(200);
    expect(bot.emulator.responses(sent.responseId)).toEqual([]);
    release();
    const reply = await bot.emulator.waitFor(() => bot.emulator.responses(sent.responseId)[0]);
    expect(reply.body.text).toBe('gate done');
  });

  it('tells the user a correlation id and logs the error with the same id and context', async () => {
    const sent = await bot.command('deploy checkout v1.4.2');
    expect(sent.status).toBe(200);
    const reply = await bot.emulator.waitFor(() => bot.emulator.responses(sent.responseId)[0]);
    const text = visibleText(reply.body);
    expect(text).toContain(
      ':x: Something went wrong on our side and your request was not completed.',
    );
    const ref = /ref `([0-9a-f]{8})`/.exec(text)?.[1];
    expect(ref).toBeDefined();
    const logged = bot.logs.find('command failed').at(-1);
    expect(logged).toMatchObject({
      level: 'error',
      correlation_id: ref,
      trigger_id: sent.triggerId,
      user: 'U0ALICE',
      team: 'T0EMULATE',
      err: { message: 'kubernetes said no' },
    });
    const metrics = await (await fetch(`${bot.baseUrl}/metrics`)).text();
    expect(metrics).toContain('mc_commands_total{verb="deploy",outcome="error"} 1');
  });

  it('survives a response_url that refuses every answer', async () => {
    bot.emulator.failNext('response_url', { kind: 'error', error: 'expired_url' }, 2);
    const sent = await bot.command('help');
    expect(sent.status).toBe(200);
    await bot.emulator.waitFor(() => bot.logs.find('could not tell the user')[0]);
    expect(bot.logs.find('command failed').at(-1)).toMatchObject({
      err: { message: 'response_url answered 404 Not Found' },
    });
    const next = await bot.command('help');
    await bot.emulator.waitFor(() => bot.emulator.responses(next.responseId)[0]);
  });

  it('refuses to run when it cannot tell a retry from a first delivery', async () => {
    const broken = await startBot({ dedupe: createBrokenDedupe('db is down') });
    try {
      const sent = await broken.command('rollback checkout');
      const reply = await broken.emulator.waitFor(
        () => broken.emulator.responses(sent.responseId)[0],
      );
      expect(visibleText(reply.body)).toContain('Something went wrong on our side');
      expect(visibleText(reply.body)).not.toContain('Understood');
      expect(broken.logs.find('command failed').at(-1)).toMatchObject({
        err: { message: 'db is down' },
      });
    } finally {
      await broken.close();
    }
  });
});
