import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createSlackEmulator,
  type SlackEmulator,
} from '../../../../src/sandbox/slack/slack-emulator.ts';
import { createResponseUrlPoster } from '../../../../src/slack/response-url.ts';
import { createSlackClient, type SlackWebClient } from '../../../../src/slack/web-client.ts';
import { createLogger } from '../../../../src/telemetry/logger.ts';

const tooLongButton = [
  {
    type: 'actions',
    elements: [
      { type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'x'.repeat(76) } },
    ],
  },
];
const BUTTON_ERROR =
  '[ERROR] must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]';

describe('sandbox/slack/slack-emulator refuses what Slack refuses', () => {
  let emulator: SlackEmulator;
  let client: SlackWebClient;

  beforeAll(async () => {
    emulator = await createSlackEmulator();
    client = createSlackClient({
      botToken: emulator.botToken,
      slackApiUrl: emulator.apiUrl,
      retries: 0,
      rejectRateLimitedCalls: true,
      log: createLogger({ level: 'silent' }),
    });
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset({ seeds: true }));

  it('refuses chat.postMessage, chat.update and chat.postEphemeral with invalid_blocks', async () => {
    const refusal = {
      data: { error: 'invalid_blocks', response_metadata: { messages: [BUTTON_ERROR] } },
    };
    await expect(
      client.chat.postMessage({ channel: 'C1', text: 't', blocks: tooLongButton }),
    ).rejects.toMatchObject(refusal);
    const posted = await client.chat.postMessage({ channel: 'C1', text: 'fine' });
    await expect(
      client.chat.update({ channel: 'C1', ts: posted.ts!, text: 't', blocks: tooLongButton }),
    ).rejects.toMatchObject(refusal);
    await expect(
      client.chat.postEphemeral({ channel: 'C1', user: 'U1', text: 't', blocks: tooLongButton }),
    ).rejects.toMatchObject(refusal);
    expect(emulator.messages('C1')).toMatchObject([{ text: 'fine', edits: 0 }]);
    expect(emulator.ephemerals()).toEqual([]);
  });

  it('answers msg_blocks_too_long past the block-text budget', async () => {
    const section = { type: 'section', text: { type: 'mrkdwn', text: 'y'.repeat(2500) } };
    await expect(
      client.chat.postMessage({ channel: 'C1', text: 't', blocks: Array(5).fill(section) }),
    ).rejects.toMatchObject({ data: { error: 'msg_blocks_too_long' } });
  });

  it('refuses a modal over 100 blocks in views.open', async () => {
    const blocks = Array(101).fill({ type: 'divider' });
    await expect(
      client.views.open({
        trigger_id: 't1',
        view: { type: 'modal', title: { type: 'plain_text', text: 'Gate' }, blocks },
      }),
    ).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
    expect(emulator.views()).toEqual([]);
  });

  it('answers a refused response_url post 400 and shows nothing', async () => {
    const poster = createResponseUrlPoster({ slackApiUrl: emulator.apiUrl });
    try {
      await expect(
        poster.post(emulator.responseUrl('r1'), { text: 't', blocks: tooLongButton }),
      ).rejects.toThrow('response_url answered 400');
      expect(emulator.responses('r1')).toEqual([]);
      expect(emulator.calls('response_url')[0]?.response).toMatchObject({
        error: 'invalid_blocks',
        response_metadata: { messages: [BUTTON_ERROR] },
      });
    } finally {
      poster.close();
    }
  });
});
