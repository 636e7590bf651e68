import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';

/**
 * A Bolt app that acks `/mc` and does nothing else, on Bolt's own receiver: the baseline the
 * ack-latency benchmark holds the real bot against.
 */
export async function startBareBoltApp(options: {
  signingSecret: string;
  botToken: string;
  slackApiUrl: string;
  port?: number;
}): Promise<{ port: number; stop(): Promise<void> }> {
  const receiver = new HTTPReceiver({
    signingSecret: options.signingSecret,
    processBeforeResponse: false,
    logLevel: LogLevel.ERROR,
  });
  const app = new App({
    token: options.botToken,
    receiver,
    botId: 'B0BARE',
    botUserId: 'U0BARE',
    tokenVerificationEnabled: false,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: options.slackApiUrl },
  });
  app.command('/mc', async ({ ack }) => {
    await ack();
  });
  const server = await receiver.start({ port: options.port ?? 0, host: '127.0.0.1' });
  return {
    port: (server.address() as AddressInfo).port,
    stop: () => receiver.stop(),
  };
}
