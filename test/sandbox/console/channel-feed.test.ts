import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChannelDef, channelFeed } from '../../../src/sandbox/console/channel-feed.ts';
import { createConsoleLog } from '../../../src/sandbox/console/console-log.ts';
import {
  createSlackEmulator,
  type SlackEmulator,
} from '../../../src/sandbox/slack/slack-emulator.ts';

const TOKEN = 'xoxb-1-2-feed';
const OPS: ChannelDef = { id: 'C0MCOPS', name: 'mc-ops' };
const ALICE = 'U01ALICE01';
const OLIVE = 'U05OLIVE06';

describe('sandbox/console/channel-feed: the channel as one user sees it', () => {
  let slack: SlackEmulator;
  const log = createConsoleLog();
  const api = async (method: string, body: Record<string, unknown>) => {
    const res = await fetch(`${slack.apiUrl}${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await res.json()) as { ts?: string };
  };
  const respond = (id: string, body: Record<string, unknown>) =>
    fetch(slack.responseUrl(id), {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });

  beforeAll(async () => {
    slack = await createSlackEmulator({ botToken: TOKEN });
  });
  afterAll(() => slack.close());

  it('groups replies under their parent, shows edits, ephemerals and response_url answers only to their user', async () => {
    const parent = await api('chat.postMessage', { channel: 'C0MCOPS', text: 'plan v1' });
    await api('chat.postMessage', { channel: '#mc-ops', text: 'step done', thread_ts: parent.ts });
    await api('chat.update', { channel: 'C0MCOPS', ts: parent.ts, text: 'plan v2' });
    await api('chat.postEphemeral', { channel: 'C0MCOPS', user: OLIVE, text: 'only olive' });
    log.responses.set('cmd-1', { user: ALICE, channel: OPS.id, origin: 'command' });
    await respond('cmd-1', { response_type: 'ephemeral', text: 'only alice' });
    log.echoes.push({ user: ALICE, channel: OPS.id, text: '/mc status', at: Date.now() });

    const asAlice = channelFeed(slack, log, OPS, ALICE);
    expect(asAlice.map((i) => i.text)).toEqual(['plan v2', 'only alice', '/mc status']);
    expect(asAlice[0]).toMatchObject({ edited: true, ephemeral: false });
    expect(asAlice[0]?.replies.map((r) => r.text)).toEqual(['step done']);
    expect(asAlice[1]).toMatchObject({ ephemeral: true });
    expect(channelFeed(slack, log, OPS, OLIVE).map((i) => i.text)).toEqual([
      'plan v2',
      'only olive',
    ]);
  });

  it('applies replace_original and delete_original of a click’s response_url to the clicked message', async () => {
    const posted = await api('chat.postMessage', { channel: 'C0MCOPS', text: 'Approve me' });
    const target = { kind: 'message' as const, channel: 'C0MCOPS', ts: posted.ts ?? '' };
    log.responses.set('click-1', { user: ALICE, channel: OPS.id, origin: 'click', target });
    await respond('click-1', { replace_original: true, text: 'Approved by alice' });
    const texts = (user: string) => channelFeed(slack, log, OPS, user).map((i) => i.text);
    expect(texts(OLIVE)).toContain('Approved by alice');
    expect(texts(OLIVE)).not.toContain('Approve me');
    log.responses.set('click-2', { user: ALICE, channel: OPS.id, origin: 'click', target });
    await respond('click-2', { delete_original: true });
    expect(texts(OLIVE)).not.toContain('Approved by alice');
  });
});
