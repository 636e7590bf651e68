import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChannelDef,
  channelFeed,
  feedToHtml,
} from '../../../src/sandbox/console/channel-feed.ts';
import { createConsoleLog } from '../../../src/sandbox/console/console-log.ts';
import {
  createSlackEmulator,
  type SlackEmulator,
} from '../../../src/sandbox/slack/slack-emulator.ts';
import { createSlackClient } from '../../../src/slack/web-client.ts';
import { silentLog } from '../../evidence/support/test-store.ts';

const TOKEN = 'xoxb-1-2-files';
const OPS: ChannelDef = { id: 'C0MCOPS', name: 'mc-ops' };
const names = { user: () => undefined, channel: () => undefined };

describe('sandbox/console/channel-feed: shared files', () => {
  let slack: SlackEmulator;
  beforeAll(async () => {
    slack = await createSlackEmulator({ botToken: TOKEN });
  });
  afterAll(() => slack.close());

  it('shows a file shared with files.uploadV2 as an image under its comment', async () => {
    const client = createSlackClient({
      botToken: TOKEN,
      slackApiUrl: slack.apiUrl,
      retries: 0,
      log: silentLog,
    });
    await client.filesUploadV2({
      channel_id: OPS.id,
      file: Buffer.from('not really a png'),
      filename: 'chart.png',
      alt_text: 'bars per week',
      initial_comment: 'Delivery scorecard chart',
    });
    const [file] = slack.files();
    const [item] = channelFeed(slack, createConsoleLog(), OPS, 'U01ALICE01');
    const html = feedToHtml(item ? [item] : [], names);
    expect(html).toContain('Delivery scorecard chart');
    expect(html).toContain(`<img src="${slack.url}/files/${file?.id}" alt="bars per week">`);
  });
});
