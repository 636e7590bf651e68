import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSlackEmulator,
  type SlackEmulator,
} from '../../../src/sandbox/slack/slack-emulator.ts';
import { createSlackClient } from '../../../src/slack/web-client.ts';
import { silentLog } from '../../evidence/support/test-store.ts';

const TOKEN = 'xoxb-files-test-token';

describe('sandbox/slack/file-uploads', () => {
  let emulator: SlackEmulator;
  beforeAll(async () => {
    emulator = await createSlackEmulator({ botToken: TOKEN });
  });
  afterAll(() => emulator?.close());

  const client = () =>
    createSlackClient({
      botToken: TOKEN,
      slackApiUrl: emulator.apiUrl,
      retries: 0,
      log: silentLog,
    });

  it('takes a file through files.uploadV2 as @slack/web-api sends it, and shares it in the channel', async () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4, 5]);
    const result = await client().filesUploadV2({
      channel_id: 'C01RELEASE1',
      file: bytes,
      filename: 'scorecard.png',
      title: 'Delivery scorecard',
      alt_text: 'bars per week',
      initial_comment: 'Weekly delivery scorecard',
    });
    expect(result.ok).toBe(true);
    expect(emulator.calls().map((c) => c.method)).toEqual([
      'files.getUploadURLExternal',
      'files.completeUploadExternal',
    ]);
    const [file] = emulator.files();
    expect(file).toMatchObject({
      filename: 'scorecard.png',
      title: 'Delivery scorecard',
      altText: 'bars per week',
      completed: true,
      channel: 'C01RELEASE1',
    });
    expect(file?.data?.equals(bytes)).toBe(true);
    const [message] = emulator.messages('C01RELEASE1');
    expect(message?.text).toBe('Weekly delivery scorecard');
    expect(file?.messageTs).toBe(message?.ts);
    const served = await fetch(`${emulator.url}/files/${file?.id}`);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);
    expect(emulator.unexpected()).toEqual([]);
  });

  it('refuses to complete a file whose bytes never arrived', async () => {
    const web = client();
    const url = await web.files.getUploadURLExternal({ filename: 'x.png', length: 10 });
    await expect(
      web.files.completeUploadExternal({ files: [{ id: url.file_id as string }] }),
    ).rejects.toThrow(/file_upload_not_found/);
  });
});
