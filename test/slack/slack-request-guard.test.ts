import { request } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  postSigned,
  sendSlashCommand,
  signSlackRequest,
} from '../../src/sandbox/slack/sign-request.ts';
import { SIGNING_SECRET, startBot, type TestBot } from '../support/slack.ts';
import { createMemoryDedupe } from '../support/slack-dedupe.ts';

const FORM = 'application/x-www-form-urlencoded';

describe('slack/guard-request: refusals before Bolt', () => {
  let bot: TestBot;
  const dedupe = createMemoryDedupe();
  beforeAll(async () => {
    bot = await startBot({ dedupe });
  });
  afterAll(() => bot.close());
  beforeEach(() => {
    bot.emulator.reset();
    dedupe.claims.length = 0;
  });

  async function rejected(reason: string): Promise<number> {
    const metrics = await (await fetch(`${bot.baseUrl}/metrics`)).text();
    const line = metrics
      .split('\n')
      .find((l) =>
        l.startsWith(`mc_http_requests_rejected_total{route="/slack/events",reason="${reason}"}`),
      );
    return Number(line?.split(' ').pop() ?? 0);
  }

  async function expectNothingRan() {
    // A command that ran would have replied by now; give it the chance to prove otherwise.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(bot.emulator.responses()).toEqual([]);
    expect(bot.emulator.calls()).toEqual([]);
    expect(dedupe.claims).toEqual([]);
  }

  it.each([
    ['bad signature', { badSignature: true }, 'bad_signature'],
    ['no signature headers', { unsigned: true }, 'missing_signature'],
    ['timestamp six minutes old', { ageSeconds: 360 }, 'stale_timestamp'],
    ['timestamp six minutes ahead', { ageSeconds: -360 }, 'stale_timestamp'],
  ])('%s → 401, nothing runs, a warning without the secret', async (_name, tamper, reason) => {
    const before = await rejected(reason);
    const sent = await sendSlashCommand(
      bot.eventsUrl,
      { text: 'rollback checkout', responseUrl: bot.emulator.responseUrl('x') },
      { signingSecret: SIGNING_SECRET, ...tamper },
    );
    expect(sent.status).toBe(401);
    await expectNothingRan();
    expect(await rejected(reason)).toBe(before + 1);
    const warning = bot.logs.find('slack request refused').at(-1);
    expect(warning).toMatchObject({ level: 'warn', reason, status: 401, route: '/slack/events' });
    expect(bot.logs.text()).not.toContain(SIGNING_SECRET);
  });

  it('refuses a body over 1 MiB with 413, declared or chunked', async () => {
    const big = `command=%2Fmc&text=${'a'.repeat(1024 * 1024 + 10)}`;
    const declared = await postSigned(bot.eventsUrl, big, FORM, { signingSecret: SIGNING_SECRET });
    expect(declared.status).toBe(413);
    const chunked = await new Promise<number>((resolve, reject) => {
      const url = new URL(bot.eventsUrl);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { 'content-type': FORM, ...signSlackRequest(SIGNING_SECRET, big) },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      for (let i = 0; i < big.length; i += 64 * 1024) req.write(big.slice(i, i + 64 * 1024));
      req.end();
    });
    expect(chunked).toBe(413);
    expect(await rejected('too_large')).toBe(2);
    await expectNothingRan();
  });

  it.each([
    ['a form with neither command nor payload', 'foo=bar&text=help', FORM, 400, 'malformed_body'],
    [
      'a command without response_url',
      'command=%2Fmc&text=help&trigger_id=1.2.3',
      FORM,
      400,
      'malformed_body',
    ],
    ['payload that is not JSON', 'payload=%7Bnot-json', FORM, 400, 'malformed_payload'],
    [
      'payload JSON without a type',
      `payload=${encodeURIComponent('{"a":1}')}`,
      FORM,
      400,
      'malformed_payload',
    ],
    [
      'JSON that does not parse',
      '{"type":"event_callback",',
      'application/json',
      400,
      'malformed_body',
    ],
    ['JSON of no known shape', '{"type":"mystery"}', 'application/json', 400, 'malformed_body'],
    ['a content type Slack never sends', 'hello', 'text/plain', 415, 'unsupported_media_type'],
  ])('signed %s → %i', async (_name, body, type, status, reason) => {
    const sent = await postSigned(bot.eventsUrl, body, type, { signingSecret: SIGNING_SECRET });
    expect(sent.status).toBe(status);
    expect(JSON.parse(sent.body)).toEqual({ error: reason });
    await expectNothingRan();
  });

  it('answers Slack ssl_check and url_verification', async () => {
    const ssl = await postSigned(bot.eventsUrl, 'ssl_check=1&token=x', FORM, {
      signingSecret: SIGNING_SECRET,
      unsigned: true,
    });
    expect(ssl.status).toBe(200);
    const challenge = await postSigned(
      bot.eventsUrl,
      JSON.stringify({ type: 'url_verification', challenge: 'c-123', token: 'x' }),
      'application/json',
      { signingSecret: SIGNING_SECRET },
    );
    expect(challenge.status).toBe(200);
    expect(JSON.parse(challenge.body)).toEqual({ challenge: 'c-123' });
  });

  it('keeps serving after every refusal', async () => {
    const sent = await bot.command('help');
    expect(sent.status).toBe(200);
    await bot.emulator.waitFor(() => bot.emulator.responses(sent.responseId)[0]);
    expect((await fetch(`${bot.baseUrl}/healthz`)).status).toBe(200);
  });
});
