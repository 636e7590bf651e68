import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type TestBot } from '../support/slack.ts';

describe('slack/create-slack-app: ops routes next to /slack/events', () => {
  let bot: TestBot;
  let ready = true;
  beforeAll(async () => {
    bot = await startBot({
      readiness: async () => ({
        ready,
        checks: { database: ready ? 'ok' : 'connection refused', config: 'ok' },
      }),
      extraRoutes: [
        {
          path: '/evidence/:id',
          method: 'GET',
          handler: (req, res) => {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ id: req.params?.id }));
          },
        },
      ],
    });
  });
  afterAll(() => bot.close());

  it('GET /healthz → 200 ok', async () => {
    const response = await fetch(`${bot.baseUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz follows the readiness probe', async () => {
    ready = true;
    const up = await fetch(`${bot.baseUrl}/readyz`);
    expect([up.status, await up.json()]).toEqual([
      200,
      {
        status: 'ready',
        checks: { database: 'ok', config: 'ok', slack: 'ok (bot U0MCBOT in emulated)' },
      },
    ]);
    ready = false;
    const down = await fetch(`${bot.baseUrl}/readyz`);
    expect([down.status, await down.json()]).toEqual([
      503,
      {
        status: 'not_ready',
        checks: {
          database: 'connection refused',
          config: 'ok',
          slack: 'ok (bot U0MCBOT in emulated)',
        },
      },
    ]);
  });

  it('GET /metrics shows command counts and ack latency after commands', async () => {
    await bot.ask('help');
    await bot.ask('status');
    const response = await fetch(`${bot.baseUrl}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toContain('mc_commands_total{verb="help",outcome="ok"} 1');
    expect(text).toContain('mc_commands_total{verb="status",outcome="ok"} 1');
    expect(text).toMatch(/mc_slack_ack_seconds_count\{kind="command"\} 2\n/);
    expect(text).toMatch(/mc_slack_ack_seconds_bucket\{le="0\.25",kind="command"\} 2\n/);
  });

  it('mounts extra routes with path parameters, and 404s the rest', async () => {
    expect(await (await fetch(`${bot.baseUrl}/evidence/ev-123`)).json()).toEqual({ id: 'ev-123' });
    expect((await fetch(`${bot.baseUrl}/nothing-here`)).status).toBe(404);
    expect((await fetch(`${bot.baseUrl}/slack/events`)).status).toBe(404);
  });
});
