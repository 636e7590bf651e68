import {
  newTriggerId,
  type SendResult,
  sendBlockAction,
} from '../../src/sandbox/slack/sign-request.ts';
import type { CommandHandlers } from '../../src/slack/commands/types.ts';
import type { ActionHandler } from '../../src/slack/listeners/action-listener.ts';
import { createSlackClient, type SlackWebClient } from '../../src/slack/web-client.ts';
import { BOT_TOKEN, SIGNING_SECRET, startBot, type TestBot, visibleText } from './slack.ts';

/** A running bot whose handlers are filled in once its emulator (and so a Web API client) exists. */
export interface RunsTestBot extends TestBot {
  client: SlackWebClient;
  actionHandlers: Record<string, ActionHandler>;
  handlers: CommandHandlers;
  /** Clicks a button as `userId`, on the message `messageTs` in `channelId`. */
  click(fields: {
    actionId: string;
    value: string;
    userId: string;
    channelId?: string;
    messageTs?: string;
  }): Promise<SendResult & { responseId: string }>;
}

let clicks = 0;

/** startBot with empty handler tables the test fills in, and a click helper. */
export async function startRunsBot(): Promise<RunsTestBot> {
  const actionHandlers: Record<string, ActionHandler> = {};
  const handlers: CommandHandlers = {};
  const bot = await startBot({ actionHandlers, handlers });
  const client = createSlackClient({
    botToken: BOT_TOKEN,
    slackApiUrl: bot.emulator.apiUrl,
    retries: 0,
    log: bot.logs.log,
  });
  return {
    ...bot,
    client,
    actionHandlers,
    handlers,
    async click(fields) {
      clicks += 1;
      const responseId = `click-${clicks}`;
      const sent = await sendBlockAction(
        bot.eventsUrl,
        {
          ...fields,
          userName: fields.userId.toLowerCase(),
          triggerId: newTriggerId(),
          responseUrl: bot.emulator.responseUrl(responseId),
        },
        { signingSecret: SIGNING_SECRET },
      );
      return { ...sent, responseId };
    },
  };
}

/** What a person reads in a recorded message or ephemeral: its blocks' text. */
export function shown(message: { blocks: unknown[] }): string {
  return visibleText({ blocks: message.blocks });
}
