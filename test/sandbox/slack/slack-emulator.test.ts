import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createSlackEmulator,
  type SlackEmulator,
} from '../../../src/sandbox/slack/slack-emulator.ts';
import { createSlackClient, type SlackWebClient } from '../../../src/slack/web-client.ts';
import { createLogger } from '../../../src/telemetry/logger.ts';

const log = createLogger({ level: 'silent' });

describe('sandbox/slack/slack-emulator', () => {
  let emulator: SlackEmulator;
  let client: SlackWebClient;

  beforeAll(async () => {
    emulator = await createSlackEmulator();
    client = createSlackClient({
      botToken: emulator.botToken,
      slackApiUrl: emulator.apiUrl,
      retries: 0,
      rejectRateLimitedCalls: true,
      log,
    });
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset({ seeds: true }));

  it('answers auth.test with the bot identity', async () => {
    const result = await client.auth.test();
    expect(result).toMatchObject({
      ok: true,
      team_id: emulator.identity.teamId,
      user_id: emulator.identity.botUserId,
      bot_id: emulator.identity.botId,
    });
    expect(emulator.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
  });

  it('keeps posted messages per channel, with thread replies and decoded blocks', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*triage*' } }];
    const parent = await client.chat.postMessage({ channel: 'C1', text: 'triage', blocks });
    await client.chat.postMessage({ channel: 'C1', text: 'reply', thread_ts: parent.ts! });
    await client.chat.postMessage({ channel: 'C2', text: 'elsewhere' });
    const messages = emulator.messages('C1');
    expect(messages.map((m) => [m.text, m.threadTs])).toEqual([
      ['triage', undefined],
      ['reply', parent.ts],
    ]);
    expect(messages[0]?.blocks).toEqual(blocks);
    expect(parent.channel).toBe('C1');
    expect(emulator.messages('C2')).toHaveLength(1);
  });

  it('edits a message in place and refuses an unknown ts', async () => {
    const posted = await client.chat.postMessage({ channel: 'C1', text: 'v1' });
    await client.chat.update({ channel: 'C1', ts: posted.ts!, text: 'v2' });
    expect(emulator.messages('C1')).toMatchObject([{ ts: posted.ts, text: 'v2', edits: 1 }]);
    await expect(
      client.chat.update({ channel: 'C1', ts: '1.000001', text: 'x' }),
    ).rejects.toMatchObject({ data: { error: 'message_not_found' } });
  });

  it('refuses a wrong token with invalid_auth', async () => {
    const intruder = createSlackClient({
      botToken: 'xoxb-not-the-right-one',
      slackApiUrl: emulator.apiUrl,
      retries: 0,
      log,
    });
    await expect(intruder.chat.postMessage({ channel: 'C1', text: 'hi' })).rejects.toMatchObject({
      data: { error: 'invalid_auth' },
    });
    expect(emulator.messages('C1')).toEqual([]);
    expect(emulator.calls('chat.postMessage')[0]?.args).not.toHaveProperty('token');
  });

  it('opens Socket Mode connections only for the app-level token', async () => {
    await expect(client.apiCall('apps.connections.open')).rejects.toMatchObject({
      data: { error: 'invalid_auth' },
    });
    const response = await fetch(`${emulator.apiUrl}apps.connections.open`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emulator.appToken}` },
    });
    expect(await response.json()).toEqual({
      ok: true,
      url: emulator.apiUrl.replace(/^http/, 'ws').replace(/\/api\/$/, '/socket-mode'),
    });
  });

  it('answers an unknown method with unknown_method and records it as unexpected', async () => {
    await expect(client.apiCall('pins.add', { channel: 'C1' })).rejects.toMatchObject({
      data: { error: 'unknown_method' },
    });
    expect(emulator.unexpected().map((c) => c.method)).toEqual(['pins.add']);
  });

  it('answers injected 429s with Retry-After, then recovers', async () => {
    emulator.failNext('chat.postMessage', { kind: 'rate_limited', retryAfterSeconds: 7 });
    await expect(client.chat.postMessage({ channel: 'C1', text: 'a' })).rejects.toMatchObject({
      code: 'slack_webapi_rate_limited_error',
      retryAfter: 7,
    });
    await client.chat.postMessage({ channel: 'C1', text: 'b' });
    expect(emulator.calls('chat.postMessage').map((c) => c.status)).toEqual([429, 200]);
    expect(emulator.messages('C1').map((m) => m.text)).toEqual(['b']);
  });

  it('lets a retrying client wait out Retry-After and succeed', async () => {
    const patient = createSlackClient({
      botToken: emulator.botToken,
      slackApiUrl: emulator.apiUrl,
      retries: 2,
      log,
    });
    emulator.failNext('chat.postMessage', { kind: 'rate_limited', retryAfterSeconds: 0 }, 2);
    await patient.chat.postMessage({ channel: 'C1', text: 'eventually' });
    expect(emulator.calls('chat.postMessage')).toHaveLength(3);
    expect(emulator.messages('C1')).toHaveLength(1);
  });

  it('answers an injected error for the next call only', async () => {
    emulator.failNext('chat.postMessage', { kind: 'error', error: 'channel_not_found' });
    await expect(client.chat.postMessage({ channel: 'C9', text: 'x' })).rejects.toMatchObject({
      data: { error: 'channel_not_found' },
    });
    await expect(client.chat.postMessage({ channel: 'C9', text: 'y' })).resolves.toMatchObject({
      ok: true,
    });
  });

  it('serves seeded users, user groups and channels', async () => {
    emulator.seedUser({ id: 'U1', name: 'alice', realName: 'Alice A' });
    emulator.seedUsergroup('S1', ['U1', 'U2']);
    emulator.seedChannel({ id: 'C1', name: 'checkout-ops' });
    expect((await client.users.info({ user: 'U1' })).user).toMatchObject({
      name: 'alice',
      real_name: 'Alice A',
    });
    expect((await client.usergroups.users.list({ usergroup: 'S1' })).users).toEqual(['U1', 'U2']);
    expect((await client.conversations.info({ channel: 'C1' })).channel?.name).toBe('checkout-ops');
    await expect(client.users.info({ user: 'U404' })).rejects.toMatchObject({
      data: { error: 'user_not_found' },
    });
    await expect(client.usergroups.users.list({ usergroup: 'S404' })).rejects.toMatchObject({
      data: { error: 'no_such_subteam' },
    });
  });

  it('records ephemeral messages and opened views', async () => {
    await client.chat.postEphemeral({ channel: 'C1', user: 'U1', text: 'only you' });
    const opened = await client.views.open({
      trigger_id: '123.456.abc',
      view: { type: 'modal', title: { type: 'plain_text', text: 'Plan' }, blocks: [] },
    });
    expect(emulator.ephemerals('C1')).toMatchObject([{ user: 'U1', text: 'only you' }]);
    expect(emulator.views()).toMatchObject([{ id: opened.view?.id, triggerId: '123.456.abc' }]);
  });

  it('accepts JSON bodies and records response_url posts', async () => {
    const response = await fetch(`${emulator.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emulator.botToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'C3', text: 'json' }),
    });
    expect(await response.json()).toMatchObject({ ok: true, channel: 'C3' });
    const posted = await fetch(emulator.responseUrl('cmd-1'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', text: 'hello' }),
    });
    expect(posted.status).toBe(200);
    expect(emulator.responses('cmd-1')).toMatchObject([{ body: { text: 'hello' } }]);
  });

  it('waits for a call that arrives later, and times out saying what it saw', async () => {
    const waiting = emulator.waitFor(() => emulator.messages('C5')[0], { timeoutMs: 2000 });
    setTimeout(() => void client.chat.postMessage({ channel: 'C5', text: 'late' }), 20);
    await expect(waiting).resolves.toMatchObject({ text: 'late' });
    await expect(
      emulator.waitFor(() => emulator.messages('C6')[0], { timeoutMs: 50 }),
    ).rejects.toThrow(/within 50 ms \(saw: chat\.postMessage\)/);
  });
});
