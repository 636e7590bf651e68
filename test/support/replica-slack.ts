import { setTimeout as delay } from 'node:timers/promises';
import type { EmulatedMessage } from '../../src/sandbox/slack/emulator-types.ts';
import {
  newTriggerId,
  type SendResult,
  sendBlockAction,
  sendEvent,
  sendSlashCommand,
} from '../../src/sandbox/slack/sign-request.ts';
import type { ReplicaWorld } from './replica-world.ts';
import { buttonValue, CHANNEL } from './runs-e2e.ts';
import { SIGNING_SECRET } from './slack.ts';

let sequence = 0;
let clicks = 0;

/** What Slack does to the bots, always through the proxy, and what the channel shows. */
export interface SlackThroughProxy {
  /** `/mc <text>` typed by userId in CHANNEL; the response_url id for its answers. */
  command(text: string, userId: string): Promise<SendResult & { responseId: string }>;
  answers(responseId: string): Record<string, unknown>[];
  /** A click on a button of message; `actionTs` and `retryNum` make it a redelivery. */
  click(
    message: EmulatedMessage,
    actionId: string,
    userId: string,
    redelivery?: { actionTs: string; retryNum: number },
  ): Promise<SendResult & { actionTs: string }>;
  /** An Events API delivery of `@mc` in CHANNEL; the same eventId with retryNum is a retry. */
  mention(eventId: string, ts: string, retryNum?: number): Promise<SendResult>;
  /** Top-level messages in CHANNEL, as they are now. */
  plans(): EmulatedMessage[];
  current(message: EmulatedMessage): EmulatedMessage;
  thread(message: EmulatedMessage): EmulatedMessage[];
  /** Which replica (index) the proxy gave the latest request to a path. */
  lastUpstream(): number | undefined;
}

/** Slack's side of the replica world: signed requests to the proxy's /slack/events. */
export function slackThroughProxy(world: ReplicaWorld): SlackThroughProxy {
  const url = `${world.proxy.url}/slack/events`;
  const messages = () => world.slack.messages(CHANNEL);
  return {
    async command(text, userId) {
      const responseId = `replicas-${++sequence}`;
      const sent = await sendSlashCommand(
        url,
        {
          text,
          userId,
          channelId: CHANNEL,
          responseUrl: world.slack.responseUrl(responseId),
          triggerId: newTriggerId(),
        },
        { signingSecret: SIGNING_SECRET },
      );
      return { ...sent, responseId };
    },
    answers: (responseId) => world.slack.responses(responseId).map((r) => r.body),
    async click(message, actionId, userId, redelivery) {
      const value = buttonValue(message, actionId);
      if (value === undefined) throw new Error(`no ${actionId} button on: ${message.text}`);
      // Two real clicks never share an action_ts; Slack's redelivery of one click does.
      const actionTs =
        redelivery?.actionTs ??
        `${(Date.now() / 1000).toFixed(3)}${String(++clicks).padStart(3, '0')}`;
      const sent = await sendBlockAction(
        url,
        {
          actionId,
          value,
          userId,
          channelId: CHANNEL,
          messageTs: message.ts,
          actionTs,
          triggerId: newTriggerId(),
        },
        {
          signingSecret: SIGNING_SECRET,
          ...(redelivery ? { retryNum: redelivery.retryNum } : {}),
        },
      );
      return { ...sent, actionTs };
    },
    mention: (eventId, ts, retryNum) =>
      sendEvent(
        url,
        {
          type: 'app_mention',
          user: 'U0ONCALL01',
          text: '<@U0MCBOT> are you there?',
          ts,
          event_ts: ts,
          channel: CHANNEL,
        },
        {
          signingSecret: SIGNING_SECRET,
          eventId,
          ...(retryNum !== undefined ? { retryNum } : {}),
        },
      ),
    plans: () => messages().filter((m) => !m.threadTs),
    current: (message) => messages().find((m) => m.ts === message.ts) ?? message,
    thread: (message) => messages().filter((m) => m.threadTs === message.ts),
    lastUpstream: () => world.proxy.served.at(-1)?.upstream,
  };
}

/** Waits (bounded) until probe returns something truthy; the error names what never came. */
export async function until<T>(
  what: string,
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await delay(50);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
