/**
 * Child process of the ack benchmark: the Slack emulator, so that receiving the bot's replies
 * does not take event-loop time from the load generator that is timing the acks.
 * Reports its URLs over IPC; answers "count" with the number of response_url posts; "stop" ends it.
 */
import { createSlackEmulator } from '../../src/sandbox/slack/slack-emulator.ts';

const [botToken = ''] = process.argv.slice(2);
const emulator = await createSlackEmulator({ botToken });
process.send?.({ url: emulator.url, apiUrl: emulator.apiUrl });
process.on('message', async (message) => {
  if (message === 'count') {
    process.send?.({ responses: emulator.responses().map((r) => r.id) });
  } else if (message === 'stop') {
    await emulator.close();
    process.exit(0);
  }
});
