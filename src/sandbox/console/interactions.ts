import {
  blockActionsPayload,
  newTriggerId,
  postSigned,
  type SendResult,
  sendSlashCommand,
} from '../slack/sign-request.ts';
import type { SlackEmulator } from '../slack/slack-emulator.ts';
import { type ChannelDef, channelFeed, type FeedItem } from './channel-feed.ts';
import type { ConsoleLog, Echo, MessageRef } from './console-log.ts';

/** A sandbox person: Slack user id, handle, and what they are in the catalog. */
export interface SandboxUser {
  id: string;
  name: string;
  realName: string;
  title: string;
}

/** What the console needs to speak to the bot as Slack does. */
export interface InteractionDeps {
  slack: SlackEmulator;
  log: ConsoleLog;
  eventsUrl: string;
  /** Held by the server only; the browser never sees it. */
  signingSecret: string;
  teamId: string;
  appId: string;
}

export type Outcome = { ok: true } | { ok: false; status: number; error: string };

/** Sends `/mc <text>` typed by `user` in `channel`, signed, with a response_url the console tracks. */
export async function sendCommand(
  deps: InteractionDeps,
  user: SandboxUser,
  channel: ChannelDef,
  typed: string,
): Promise<Outcome> {
  const trimmed = typed.trim();
  const m = /^\/mc(?:\s+([\s\S]*))?$/.exec(trimmed);
  if (!m)
    return {
      ok: false,
      status: 400,
      error: 'Only /mc commands reach the bot here: try `/mc help`.',
    };
  const id = deps.log.nextResponseId('cmd');
  deps.log.responses.set(id, { user: user.id, channel: channel.id, origin: 'command' });
  const echo: Echo = { user: user.id, channel: channel.id, text: trimmed, at: Date.now() };
  deps.log.echoes.push(echo);
  deps.log.version += 1;
  const sent = await sendSlashCommand(
    deps.eventsUrl,
    {
      text: (m[1] ?? '').trim(),
      userId: user.id,
      userName: user.name,
      channelId: channel.id,
      channelName: channel.name,
      teamId: deps.teamId,
      apiAppId: deps.appId,
      responseUrl: deps.slack.responseUrl(id),
      triggerId: newTriggerId(),
    },
    { signingSecret: deps.signingSecret },
  );
  return answered(deps, sent, echo);
}

/** The feed item a reference points at, as `user` sees the channel (so only what they see). */
export function findItem(items: FeedItem[], ref: MessageRef): FeedItem | undefined {
  const key = JSON.stringify(ref);
  for (const item of items) {
    if (JSON.stringify(item.ref) === key) return item;
    const found = findItem(item.replies, ref);
    if (found) return found;
  }
  return undefined;
}

let clicks = 0;

/**
 * Clicks a button exactly as Slack reports it: a signed `block_actions` payload carrying the
 * real message (blocks included), its container, the channel and a fresh response_url. The
 * button must be on a message this user sees, with this action id and value.
 */
export async function sendClick(
  deps: InteractionDeps,
  user: SandboxUser,
  channel: ChannelDef,
  click: { ref: MessageRef; actionId: string; value: string; blockId: string },
): Promise<Outcome> {
  const item = findItem(channelFeed(deps.slack, deps.log, channel, user.id), click.ref);
  const button = item ? findButton(item.blocks, click.actionId, click.value) : undefined;
  if (!item || !button)
    return { ok: false, status: 404, error: 'That button is no longer on the message.' };
  const id = deps.log.nextResponseId('click');
  const threadTs = item.threadTs ?? item.ts;
  deps.log.responses.set(id, {
    user: user.id,
    channel: channel.id,
    origin: 'click',
    target: click.ref,
    ...(threadTs ? { threadTs } : {}),
  });
  deps.log.version += 1;
  const messageTs =
    item.ts ??
    (click.ref.kind === 'ephemeral' ? click.ref.messageTs : `${(item.at / 1000).toFixed(6)}`);
  clicks += 1;
  const payload = blockActionsPayload({
    actionId: click.actionId,
    value: click.value,
    blockId: click.blockId || 'actions',
    userId: user.id,
    userName: user.name,
    teamId: deps.teamId,
    channelId: channel.id,
    messageTs,
    actionTs: `${(Date.now() / 1000).toFixed(3)}${String(clicks % 1000).padStart(3, '0')}`,
    triggerId: newTriggerId(),
    responseUrl: deps.slack.responseUrl(id),
    apiAppId: deps.appId,
  });
  payload.channel = { id: channel.id, name: channel.name };
  payload.container = {
    type: 'message',
    message_ts: messageTs,
    channel_id: channel.id,
    is_ephemeral: item.ephemeral,
  };
  payload.message = {
    type: 'message',
    ts: messageTs,
    text: item.text,
    blocks: item.blocks,
    ...(item.threadTs ? { thread_ts: item.threadTs } : {}),
  };
  const actions = payload.actions as Record<string, unknown>[];
  if (actions[0]) actions[0].text = button.text;
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const sent = await postSigned(deps.eventsUrl, body, 'application/x-www-form-urlencoded', {
    signingSecret: deps.signingSecret,
  });
  return answered(deps, sent);
}

function findButton(
  blocks: unknown[],
  actionId: string,
  value: string,
): Record<string, unknown> | undefined {
  for (const block of blocks as Record<string, unknown>[]) {
    const elements = [
      ...(Array.isArray(block?.elements) ? block.elements : []),
      ...(block?.accessory ? [block.accessory] : []),
    ] as Record<string, unknown>[];
    const found = elements.find(
      (e) => e?.type === 'button' && e.action_id === actionId && (e.value ?? '') === value,
    );
    if (found) return found;
  }
  return undefined;
}

function answered(deps: InteractionDeps, sent: SendResult, echo?: { error?: string }): Outcome {
  if (sent.status === 200) return { ok: true };
  const error = `the bot answered HTTP ${sent.status}: ${sent.body.slice(0, 200)}`;
  if (echo) {
    echo.error = error;
    deps.log.version += 1;
  }
  return { ok: false, status: 502, error };
}
