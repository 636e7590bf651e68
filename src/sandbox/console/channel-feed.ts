import type { EmulatedMessage } from '../slack/emulator-types.ts';
import type { SlackEmulator } from '../slack/slack-emulator.ts';
import type { ConsoleLog, MessageRef } from './console-log.ts';
import { escapeHtml } from './escape.ts';
import type { Names } from './mrkdwn.ts';
import { renderMessageHtml } from './render-blocks.ts';

/** A channel of the sandbox workspace; messages may name it by id or by `#name`. */
export interface ChannelDef {
  id: string;
  name: string;
}

/** One message as one user sees it. */
export interface FeedItem {
  ref: MessageRef;
  at: number;
  ts?: string;
  threadTs?: string;
  author: 'bot' | string;
  text: string;
  blocks: unknown[];
  ephemeral: boolean;
  edited: boolean;
  echo?: boolean;
  replies: FeedItem[];
}

const refKey = (r: MessageRef) =>
  r.kind === 'message'
    ? `m:${r.channel}:${r.ts}`
    : r.kind === 'ephemeral'
      ? `e:${r.messageTs}`
      : `r:${r.id}:${r.index}`;

/** Whether a message key (`C0…` or `#name`) belongs to the channel. */
export function inChannel(key: string, channel: ChannelDef): boolean {
  return key === channel.id || key === `#${channel.name}` || key === channel.name;
}

/**
 * The channel as `user` sees it: the bot's messages (after chat.update and response_url
 * replace_original/delete_original), ephemerals and response_url answers meant for this user
 * only, and the user's own commands; replies grouped under their thread parent.
 */
export function channelFeed(
  slack: SlackEmulator,
  log: ConsoleLog,
  channel: ChannelDef,
  user: string,
): FeedItem[] {
  const postedAt = new Map<string, number>();
  for (const call of [...slack.calls('chat.postMessage'), ...slack.calls('chat.postEphemeral')]) {
    const ts = call.response.ts ?? call.response.message_ts;
    if (typeof ts === 'string') postedAt.set(ts, call.at);
  }
  const items: FeedItem[] = [];
  const keys = new Set([channel.id, `#${channel.name}`, channel.name]);
  for (const key of keys) {
    for (const m of slack.messages(key))
      items.push(withFiles(slack, fromMessage(m, key, postedAt)));
  }
  for (const e of slack.ephemerals()) {
    if (e.user !== user || !inChannel(e.channel, channel)) continue;
    items.push({
      ref: { kind: 'ephemeral', messageTs: e.messageTs },
      at: postedAt.get(e.messageTs) ?? tsToMs(e.messageTs),
      ...(e.threadTs ? { threadTs: e.threadTs } : {}),
      author: 'bot',
      text: e.text,
      blocks: e.blocks,
      ephemeral: true,
      edited: false,
      replies: [],
    });
  }
  const replaced = new Map<string, { text: string; blocks: unknown[] } | null>();
  const counts = new Map<string, number>();
  for (const post of slack.responses()) {
    const origin = log.responses.get(post.id);
    if (!origin || origin.channel !== channel.id) continue;
    const index = counts.get(post.id) ?? 0;
    counts.set(post.id, index + 1);
    const body = post.body;
    const content = {
      text: String(body.text ?? ''),
      blocks: Array.isArray(body.blocks) ? body.blocks : [],
    };
    if (origin.target && (body.replace_original === true || body.replace_original === 'true')) {
      replaced.set(refKey(origin.target), content);
      continue;
    }
    if (origin.target && (body.delete_original === true || body.delete_original === 'true')) {
      replaced.set(refKey(origin.target), null);
      continue;
    }
    const inChannelReply = body.response_type === 'in_channel';
    if (!inChannelReply && origin.user !== user) continue;
    items.push({
      ref: { kind: 'response', id: post.id, index },
      at: post.at,
      ...(origin.threadTs ? { threadTs: origin.threadTs } : {}),
      author: 'bot',
      ...content,
      ephemeral: !inChannelReply,
      edited: false,
      replies: [],
    });
  }
  for (const echo of log.echoes) {
    if (echo.user !== user || echo.channel !== channel.id) continue;
    items.push({
      ref: { kind: 'response', id: `echo-${echo.at}`, index: 0 },
      at: echo.at,
      author: user,
      text: echo.error ? `${echo.text}\n:warning: ${echo.error}` : echo.text,
      blocks: [],
      ephemeral: true,
      edited: false,
      echo: true,
      replies: [],
    });
  }
  const visible = items.flatMap((item) => {
    const swap = replaced.get(refKey(item.ref));
    if (swap === null) return [];
    return swap ? [{ ...item, ...swap, edited: true }] : [item];
  });
  return threaded(visible);
}

function fromMessage(m: EmulatedMessage, key: string, postedAt: Map<string, number>): FeedItem {
  return {
    ref: { kind: 'message', channel: key, ts: m.ts },
    at: postedAt.get(m.ts) ?? tsToMs(m.ts),
    ts: m.ts,
    ...(m.threadTs && m.threadTs !== m.ts ? { threadTs: m.threadTs } : {}),
    author: 'bot',
    text: m.text,
    blocks: m.blocks,
    ephemeral: false,
    edited: m.edits > 0,
    replies: [],
  };
}

/** A message that shared files (files.uploadV2) shows them as images, as Slack does. */
function withFiles(slack: SlackEmulator, item: FeedItem): FeedItem {
  const files = slack.files().filter((f) => f.messageTs !== undefined && f.messageTs === item.ts);
  if (files.length === 0) return item;
  const images = files.map((f) => ({
    type: 'image',
    image_url: `${slack.url}/files/${f.id}`,
    alt_text: f.altText ?? f.title ?? f.filename,
  }));
  const text =
    item.blocks.length === 0 && item.text
      ? [{ type: 'section', text: { type: 'mrkdwn', text: item.text } }]
      : [];
  return { ...item, blocks: [...text, ...item.blocks, ...images] };
}

function tsToMs(ts: string): number {
  return Math.floor(Number(ts.split('.')[0]) * 1000);
}

function threaded(items: FeedItem[]): FeedItem[] {
  items.sort((a, b) => a.at - b.at);
  const byTs = new Map(items.filter((i) => i.ts && !i.threadTs).map((i) => [i.ts, i]));
  const top: FeedItem[] = [];
  for (const item of items) {
    const parent = item.threadTs ? byTs.get(item.threadTs) : undefined;
    if (parent) parent.replies.push(item);
    else top.push(item);
  }
  return top;
}

/** The feed as HTML: one `.msg` per item with its reference for clicks, replies nested. */
export function feedToHtml(items: FeedItem[], names: Names): string {
  return items.map((item) => itemHtml(item, names)).join('');
}

function itemHtml(item: FeedItem, names: Names): string {
  const who = item.author === 'bot' ? 'mc' : (names.user(item.author) ?? item.author);
  const time = new Date(item.at).toISOString().slice(11, 19);
  const classes = ['msg', item.ephemeral ? 'ephemeral' : '', item.echo ? 'echo' : '']
    .filter(Boolean)
    .join(' ');
  const badge = item.author === 'bot' ? '<span class="app-badge">APP</span>' : '';
  const note = item.echo
    ? '<div class="only-you">Only visible to you · you typed</div>'
    : item.ephemeral
      ? '<div class="only-you">Only visible to you</div>'
      : '';
  const body = item.echo
    ? `<div class="block section"><div class="main"><code>${escapeHtml(item.text)}</code></div></div>`
    : renderMessageHtml(item, names);
  const replies = item.replies.length
    ? `<div class="thread"><div class="thread-count">${item.replies.length} ${item.replies.length === 1 ? 'reply' : 'replies'}</div>${item.replies.map((r) => itemHtml(r, names)).join('')}</div>`
    : '';
  return `<div class="${classes}" data-ref="${escapeHtml(JSON.stringify(item.ref))}"${item.ts ? ` data-ts="${escapeHtml(item.ts)}"` : ''}>
<div class="avatar${item.author === 'bot' ? ' bot' : ''}">${escapeHtml(who.slice(0, 1).toUpperCase())}</div>
<div class="content"><div class="meta"><span class="who">${escapeHtml(who)}</span>${badge}<span class="time">${time}</span>${item.edited ? '<span class="edited">(edited)</span>' : ''}</div>${note}<div class="blocks">${body}</div>${replies}</div></div>`;
}
