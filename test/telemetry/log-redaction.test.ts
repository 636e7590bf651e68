import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendBlockAction, sendSlashCommand } from '../../src/sandbox/slack/sign-request.ts';
import { BOT_TOKEN, SIGNING_SECRET, startBot, type TestBot } from '../support/slack.ts';

const FOREIGN_TOKEN = 'xoxp-9999-8888-leakedusertoken';

describe('telemetry/logger: secrets never reach the log stream of a real run', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startBot({
      handlers: {
        // A failure whose message, fields and nested headers carry secrets, as a careless
        // HTTP client error would.
        deploy: async () => {
          const error = new Error(
            `upstream refused Authorization: Bearer ${BOT_TOKEN} (signing secret ${SIGNING_SECRET})`,
          ) as Error & Record<string, unknown>;
          error.token = FOREIGN_TOKEN;
          error.config = { headers: { Authorization: `Bearer ${FOREIGN_TOKEN}` } };
          error.headers = { authorization: `Bearer ${BOT_TOKEN}` };
          throw error;
        },
      },
    });
    // Signed requests (every header Slack sends), refusals, a failure and a Web API call.
    await bot.ask('help');
    await bot.ask('rollback checkout --env prod --reason test of redaction');
    const failing = await bot.command('deploy checkout v1.4.2');
    await bot.emulator.waitFor(() => bot.emulator.responses(failing.responseId)[0]);
    await sendSlashCommand(
      bot.eventsUrl,
      { text: 'help', responseUrl: bot.emulator.responseUrl('bad') },
      { signingSecret: SIGNING_SECRET, badSignature: true },
    );
    await sendBlockAction(
      bot.eventsUrl,
      { actionId: 'run.confirm', responseUrl: bot.emulator.responseUrl('click') },
      { signingSecret: SIGNING_SECRET },
    );
    await bot.emulator.waitFor(() => bot.emulator.responses('click')[0]);
    await bot.slack.client.chat.postMessage({ channel: 'C0OPS', text: 'hello' });
  });
  afterAll(() => bot.close());

  it('logged the run at debug level, including the failure', () => {
    const lines = bot.logs.lines();
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.some((l) => l.level === 'debug' && l.component === 'bolt')).toBe(true);
    expect(bot.logs.find('command failed')).toHaveLength(1);
    expect(bot.logs.find('slack request refused')).toHaveLength(1);
  });

  it.each([
    ['the bot token', BOT_TOKEN],
    ['a token in an error field', FOREIGN_TOKEN],
    ['the signing secret', SIGNING_SECRET],
    ['an Authorization header value', `Bearer ${BOT_TOKEN}`],
    ['any xox token shape', 'xox'],
  ])('no line contains %s', (_name, secret) => {
    const leaking = bot.logs
      .text()
      .split('\n')
      .filter((line) => line.includes(secret));
    expect(leaking).toEqual([]);
  });

  it('still says what failed, with the secrets masked', () => {
    const failed = bot.logs.find('command failed')[0] as { err: Record<string, unknown> };
    expect(String(failed.err.message)).toContain(
      'upstream refused Authorization: Bearer [REDACTED]',
    );
    expect(failed.err.token).toBe('[REDACTED]');
  });
});

describe('telemetry/logger: the edge itself never writes a secret, even unmasked', () => {
  it('logs no secret with a logger that knows none of them', async () => {
    const bot = await startBot({ logSecrets: [] });
    try {
      await bot.ask('help');
      await bot.ask('status');
      await sendSlashCommand(
        bot.eventsUrl,
        { text: 'help', responseUrl: bot.emulator.responseUrl('stale') },
        { signingSecret: SIGNING_SECRET, ageSeconds: 900 },
      );
      await bot.slack.client.chat.postMessage({ channel: 'C0OPS', text: 'hello' });
      const text = bot.logs.text();
      expect(bot.logs.lines().length).toBeGreaterThan(5);
      expect(text).not.toContain(SIGNING_SECRET);
      expect(text).not.toContain(BOT_TOKEN);
      expect(text).not.toMatch(/v0=[0-9a-f]{64}/);
    } finally {
      await bot.close();
    }
  });
});
