import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackEmulator, type SlackEmulator } from '../../src/sandbox/slack/slack-emulator.ts';
import { createSlackApp, type SlackAppDeps } from '../../src/slack/create-slack-app.ts';
import { createMetrics } from '../../src/telemetry/metrics.ts';
import { BOT_TOKEN, loadRepoConfig, SIGNING_SECRET } from '../support/slack.ts';
import { createMemoryDedupe } from '../support/slack-dedupe.ts';
import { captureLogs } from '../support/slack-logs.ts';

describe('slack/create-slack-app: start-up', () => {
  let emulator: SlackEmulator;
  let base: SlackAppDeps;
  beforeAll(async () => {
    emulator = await createSlackEmulator({ botToken: BOT_TOKEN });
    base = {
      botToken: BOT_TOKEN,
      signingSecret: SIGNING_SECRET,
      slackApiUrl: emulator.apiUrl,
      clientRetries: 0,
      config: await loadRepoConfig(),
      log: captureLogs().log,
      metrics: createMetrics({ defaultMetrics: false }),
      dedupe: createMemoryDedupe(),
      readiness: async () => ({ ready: true, checks: {} }),
    };
  });
  afterAll(() => emulator.close());

  it('listens at once with a refused token; /readyz and an error line say the token is bad', async () => {
    emulator.reset();
    const logs = captureLogs();
    const slack = createSlackApp({ ...base, log: logs.log, botToken: 'xoxb-revoked-token-0000' });
    const { port } = await slack.start(0);
    try {
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      await emulator.waitFor(() => (slack.slackAuth().status === 'bad_token' ? true : undefined));
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({
        checks: {
          slack: expect.stringContaining('bad_token: Slack refused SLACK_BOT_TOKEN (invalid_auth)'),
        },
      });
      expect(logs.find('slack rejected the bot token')).toEqual([
        expect.objectContaining({ level: 'error', slack: 'bad_token' }),
      ]);
      // A refused token is final: no retry loop hammering auth.test.
      expect(emulator.calls('auth.test')).toHaveLength(1);
      const event = await fetch(`http://127.0.0.1:${port}/slack/events`, {
        method: 'POST',
        body: '{}',
      });
      expect(event.status).toBe(503);
    } finally {
      await slack.stop();
    }
  });

  it('listens at once when Slack is unreachable, retries, and says so at error level', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const logs = captureLogs();
    const slack = createSlackApp({
      ...base,
      log: logs.log,
      slackApiUrl: `http://127.0.0.1:${deadPort}/api/`,
      slackRetryMs: 20,
    });
    const { port } = await slack.start(0);
    try {
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      await emulator.waitFor(() =>
        logs.find('slack is unreachable').length >= 2 ? true : undefined,
      );
      expect(logs.find('slack is unreachable')[0]).toMatchObject({
        level: 'error',
        slack: 'unreachable',
        reason: expect.stringContaining('cannot reach Slack'),
      });
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { checks: { slack: string } }).checks.slack).toMatch(
        /^unreachable: cannot reach Slack/,
      );
    } finally {
      await slack.stop();
    }
  });

  it('skips auth.test when the bot ids are configured', async () => {
    emulator.reset();
    const slack = createSlackApp({ ...base, botId: 'B0CONF', botUserId: 'U0CONF' });
    const { port } = await slack.start(0);
    try {
      expect(port).toBeGreaterThan(0);
      expect(emulator.calls('auth.test')).toEqual([]);
    } finally {
      await slack.stop();
    }
  });

  it('refuses HTTP mode without a signing secret, naming the setting', () => {
    const { signingSecret: _unused, ...rest } = base;
    expect(() => createSlackApp(rest)).toThrow(
      'SLACK_SIGNING_SECRET is required in HTTP mode (or set SLACK_APP_TOKEN)',
    );
  });
});
