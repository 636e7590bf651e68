import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTriggerId } from '../../src/sandbox/slack/sign-request.ts';
import { createSlackEmulator, type SlackEmulator } from '../../src/sandbox/slack/slack-emulator.ts';
import { createSlackApp, type SlackApp } from '../../src/slack/create-slack-app.ts';
import { createMetrics, type Metrics } from '../../src/telemetry/metrics.ts';
import { BOT_TOKEN, loadRepoConfig, visibleText } from '../support/slack.ts';
import { createMemoryDedupe } from '../support/slack-dedupe.ts';
import { captureLogs } from '../support/slack-logs.ts';

function slashCommand(text: string, responseUrl: string, triggerId = newTriggerId()) {
  return {
    token: 'deprecated-verification-token',
    team_id: 'T0EMULATE',
    team_domain: 'emulated',
    channel_id: 'C0OPS',
    channel_name: 'ops',
    user_id: 'U0ALICE',
    user_name: 'alice',
    command: '/mc',
    text,
    api_app_id: 'A0EMULATE',
    is_enterprise_install: 'false',
    response_url: responseUrl,
    trigger_id: triggerId,
  };
}

describe('slack/create-slack-app: Socket Mode', () => {
  let emulator: SlackEmulator;
  let slack: SlackApp;
  let metrics: Metrics;
  let baseUrl: string;
  const logs = captureLogs();

  beforeAll(async () => {
    emulator = await createSlackEmulator({ botToken: BOT_TOKEN });
    metrics = createMetrics({ defaultMetrics: false });
    slack = createSlackApp({
      botToken: BOT_TOKEN,
      appToken: emulator.appToken,
      slackApiUrl: emulator.apiUrl,
      clientRetries: 0,
      config: await loadRepoConfig(),
      log: logs.log,
      metrics,
      dedupe: createMemoryDedupe(),
      readiness: async () => ({ ready: true, checks: { config: 'ok' } }),
    });
    const { port } = await slack.start(0);
    baseUrl = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await slack.stop();
    await emulator.close();
  });

  it('connects through apps.connections.open with the app token', () => {
    expect(emulator.socketMode.connections()).toBe(1);
    expect(emulator.calls('apps.connections.open')).toMatchObject([{ response: { ok: true } }]);
  });

  it('acks a slash command over the socket, then answers via response_url', async () => {
    const ack = await emulator.socketMode.deliver(
      'slash_commands',
      slashCommand('rollback checkout --env prod', emulator.responseUrl('sm-1')),
    );
    expect(ack.envelope_id).toMatch(/^[0-9a-f-]{36}$/);
    const reply = await emulator.waitFor(() => emulator.responses('sm-1')[0]);
    expect(visibleText(reply.body)).toContain(
      'Understood: roll back `checkout` in `prod` to the previous revision; no reason given.',
    );
    const text = await (await fetch(`${baseUrl}/metrics`)).text();
    expect(text).toMatch(/mc_slack_ack_seconds_count\{kind="command"\} 1\n/);
  });

  it('drops a redelivered envelope for the same command', async () => {
    const triggerId = newTriggerId();
    const payload = slashCommand('help', emulator.responseUrl('sm-2'), triggerId);
    await emulator.socketMode.deliver('slash_commands', payload);
    await emulator.socketMode.deliver('slash_commands', payload, { retryAttempt: 1 });
    await emulator.waitFor(() => emulator.responses('sm-2')[0]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(emulator.responses('sm-2')).toHaveLength(1);
    expect(logs.find('retry dropped').at(-1)).toMatchObject({ trigger_id: triggerId });
  });

  it('serves the ops routes on its own port, and no HTTP Slack endpoint', async () => {
    expect(await (await fetch(`${baseUrl}/healthz`)).json()).toEqual({ status: 'ok' });
    expect((await fetch(`${baseUrl}/readyz`)).status).toBe(200);
    expect((await fetch(`${baseUrl}/slack/events`, { method: 'POST', body: 'x' })).status).toBe(
      404,
    );
  });
});
