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

  it('checks the bot token with auth.test and refuses to start with a wrong one', async () => {
    const slack = createSlackApp({ ...base, botToken: 'xoxb-revoked-token-0000' });
    await expect(slack.start(0)).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
    expect(emulator.calls('auth.test')).toMatchObject([{ response: { ok: false } }]);
    await slack.stop();
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
