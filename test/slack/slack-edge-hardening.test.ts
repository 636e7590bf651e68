import { randomBytes } from 'node:crypto';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postSigned, sendBlockAction } from '../../src/sandbox/slack/sign-request.ts';
import { createFrontServer, HEADERS_TIMEOUT_MS } from '../../src/slack/http-front.ts';
import { refuseResponseUrl } from '../../src/slack/response-url.ts';
import { createMetrics } from '../../src/telemetry/metrics.ts';
import { SIGNING_SECRET, startBot, type TestBot, visibleText } from '../support/slack.ts';
import { captureLogs } from '../support/slack-logs.ts';

/** Resolves when the server closes the socket; the socket sends what `opening` says first. */
function heldOpen(port: number, opening: string) {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => {});
  socket.write(opening);
  let answer = '';
  socket.on('data', (chunk) => {
    answer += chunk;
  });
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(answer)));
  return { socket, closed };
}

describe('slack/http-front and listeners: hardening', () => {
  let bot: TestBot;
  let evil: ReturnType<typeof createServer>;
  let evilHits = 0;
  let evilUrl = '';
  beforeAll(async () => {
    bot = await startBot({
      actionHandlers: {
        'run.approve': async (request) => {
          await request.respond({ text: `approved ${request.value}`, blocks: [] });
        },
      },
    });
    evil = createServer((_req, res) => {
      evilHits += 1;
      res.end('ok');
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await bot.close();
    await new Promise((resolve) => evil.close(resolve));
  });
  beforeEach(() => bot.emulator.reset());

  it.each(['__proto__', 'constructor', 'toString'])(
    'answers a click with action id %s as an inactive button, no TypeError',
    async (actionId) => {
      const id = `proto-${actionId}`;
      const sent = await sendBlockAction(
        bot.eventsUrl,
        { actionId, responseUrl: bot.emulator.responseUrl(id) },
        { signingSecret: SIGNING_SECRET },
      );
      expect(sent.status).toBe(200);
      const reply = await bot.emulator.waitFor(() => bot.emulator.responses(id)[0]);
      expect(visibleText(reply.body)).toContain('This button is not active in this release');
      expect(bot.logs.text()).not.toContain('is not a function');
    },
  );

  it('never POSTs to a response_url outside Slack (or SLACK_API_URL’s host)', async () => {
    for (const responseUrl of [
      evilUrl,
      'http://127.0.0.1:1/',
      'https://127.0.0.1:1/',
      'https://hooks.slack.com.evil.example/x',
    ]) {
      const before = bot.logs.find('could not tell the user').length;
      await sendBlockAction(
        bot.eventsUrl,
        { actionId: 'run.approve', value: 'run-9', responseUrl },
        { signingSecret: SIGNING_SECRET },
      );
      await bot.emulator.waitFor(() =>
        bot.logs.find('could not tell the user').length > before ? true : undefined,
      );
    }
    expect(evilHits).toBe(0);
    expect(
      bot.logs.find('action failed').map((l) => (l.err as { message: string }).message),
    ).toEqual([
      'response_url must be https, not http:; nothing was posted',
      'response_url must be https, not http:; nothing was posted',
      "response_url host 127.0.0.1 is not Slack's; nothing was posted",
      "response_url host hooks.slack.com.evil.example is not Slack's; nothing was posted",
    ]);
  });

  it('answers an app_mention replayed without event_id once', async () => {
    const body = JSON.stringify({
      token: 'deprecated-verification-token',
      team_id: 'T0EMULATE',
      api_app_id: 'A0EMULATE',
      type: 'event_callback',
      event: {
        type: 'app_mention',
        user: 'U0ALICE',
        text: '<@U0MCBOT> hi',
        ts: '1700000300.000100',
        channel: 'C0REPLAY',
        event_ts: '1700000300.000100',
      },
      authorizations: [{ team_id: 'T0EMULATE', user_id: 'U0MCBOT', is_bot: true }],
    });
    for (let i = 0; i < 2; i++) {
      const sent = await postSigned(bot.eventsUrl, body, 'application/json', {
        signingSecret: SIGNING_SECRET,
      });
      expect(sent.status).toBe(200);
    }
    await bot.emulator.waitFor(() => bot.emulator.messages('C0REPLAY')[0]);
    await bot.emulator.waitFor(() =>
      bot.logs.find('retry dropped').some((l) => l.channel === 'C0REPLAY') ? true : undefined,
    );
    expect(bot.emulator.messages('C0REPLAY')).toHaveLength(1);
  });

  it.each([true, false])(
    'refuses a body over 4 MiB (length declared: %s) without a TypeError',
    async (declared) => {
      const size = 5 * 1024 * 1024;
      await new Promise<void>((resolve) => {
        const req = request(bot.eventsUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(declared ? { 'content-length': String(size) } : {}),
          },
        });
        req.on('error', () => resolve());
        req.on('response', (res) => {
          res.resume();
          res.on('end', resolve);
        });
        const chunk = randomBytes(64 * 1024);
        let sent = 0;
        const pump = () => {
          while (sent < size) {
            sent += chunk.length;
            if (!req.write(chunk)) {
              req.once('drain', pump);
              return;
            }
          }
          req.end();
        };
        pump();
      });
      await bot.emulator.waitFor(() =>
        bot.logs.find('slack request refused').length > 0 ? true : undefined,
      );
      expect(bot.logs.find('http request failed')).toEqual([]);
      expect(bot.logs.find('slack request refused').at(-1)).toMatchObject({ status: 413 });
    },
  );
});

describe('slack/response-url: refuseResponseUrl', () => {
  it.each([
    ['https://hooks.slack.com/actions/T1/2/abc', undefined, null],
    ['https://hooks.slack-gov.com/commands/T1/2/abc', undefined, null],
    ['http://hooks.slack.com/actions/T1/2/abc', undefined, 'response_url must be https, not http:'],
    [
      'https://slack.com.evil.example/',
      undefined,
      "response_url host slack.com.evil.example is not Slack's",
    ],
    ['https://evilslack.com/', undefined, "response_url host evilslack.com is not Slack's"],
    ['http://127.0.0.1:4000/response/x', 'http://127.0.0.1:4000/api/', null],
    [
      'http://127.0.0.1:4001/response/x',
      'http://127.0.0.1:4000/api/',
      'response_url must be https, not http:',
    ],
    ['not a url', undefined, 'response_url is not a URL'],
  ])('%s (SLACK_API_URL %s) → %s', (url, api, expected) => {
    expect(refuseResponseUrl(url, api)).toBe(expected);
  });
});

describe('slack/http-front: connections', () => {
  it('cuts a half-open connection that never finishes its headers', async () => {
    const server = createFrontServer({
      slackPath: '/slack/events',
      routes: [],
      metrics: createMetrics({ defaultMetrics: false }),
      log: captureLogs().log,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      expect(server.headersTimeout).toBe(HEADERS_TIMEOUT_MS);
      expect(server.requestTimeout).toBe(30_000);
      expect(server.keepAliveTimeout).toBe(120_000);
      const { port } = server.address() as AddressInfo;
      const { closed } = heldOpen(port, 'POST /webhooks/alertmanager HTTP/1.1\r\nHost: x\r\n');
      const started = Date.now();
      expect(await closed).toMatch(/^HTTP\/1\.1 408/);
      expect(Date.now() - started).toBeLessThan(HEADERS_TIMEOUT_MS + 5_000);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 30_000);

  it('drops connections past the cap at once and keeps serving the ones it has', async () => {
    const server = createFrontServer({
      slackPath: '/slack/events',
      routes: [],
      metrics: createMetrics({ defaultMetrics: false }),
      log: captureLogs().log,
      maxConnections: 2,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const held = [heldOpen(port, ''), heldOpen(port, '')];
      await new Promise<void>((resolve) => {
        const check = () =>
          server.getConnections((_e, n) => (n === 2 ? resolve() : setTimeout(check, 10)));
        check();
      });
      const third = heldOpen(port, 'GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n');
      expect(await third.closed).toBe('');
      for (const h of held) h.socket.destroy();
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
