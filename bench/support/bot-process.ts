/**
 * Child process of the ack benchmark: runs either the real bot or a bare Bolt app, so the
 * load generator and the Slack emulator do not share its event loop. Prints nothing; reports
 * its port over IPC and stops on "stop".
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/load-config.ts';
import { startBareBoltApp } from '../../src/slack/bare-app.ts';
import { createSlackApp } from '../../src/slack/create-slack-app.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { createMetrics } from '../../src/telemetry/metrics.ts';
import { createMemoryDedupe } from '../../test/support/slack-dedupe.ts';

const [mode, signingSecret = '', botToken = '', slackApiUrl = ''] = process.argv.slice(2);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function start(): Promise<{ port: number; stop(): Promise<void> }> {
  if (mode === 'bare') return startBareBoltApp({ signingSecret, botToken, slackApiUrl });
  const loaded = await loadConfig(root);
  if (!loaded.ok) throw new Error('config invalid: run `npm run validate`');
  // Log at info into a sink: the bot pays for building its log lines, as in production.
  const log = createLogger({ level: 'info', destination: { write: () => {} } });
  const slack = createSlackApp({
    botToken,
    signingSecret,
    slackApiUrl,
    botId: 'B0BENCH',
    botUserId: 'U0BENCH',
    clientRetries: 0,
    config: loaded.config,
    log,
    metrics: createMetrics(),
    dedupe: createMemoryDedupe(),
    readiness: async () => ({ ready: true, checks: {} }),
  });
  const { port } = await slack.start(0);
  return { port, stop: () => slack.stop() };
}

const running = await start();
process.send?.({ port: running.port });
process.on('message', async (message) => {
  if (message === 'stop') {
    await running.stop();
    process.exit(0);
  }
});
