import type { Catalog } from '../../config/schema.ts';
import type { Line, RunOutcome } from '../../findings/index.ts';
import type { RunView } from '../../runs/types.ts';
import type { Logger } from '../../telemetry/logger.ts';
import type { Metrics } from '../../telemetry/metrics.ts';
import { type SlackReply, section } from '../render/blocks.ts';
import { lineMrkdwn, linePlain } from '../render/run-inline.ts';
import { guardedCall } from '../slack-call.ts';
import type { SlackWebClient } from '../web-client.ts';

/** What publishing a run's message needs. */
export interface PublishDeps {
  client: SlackWebClient;
  catalog: Pick<Catalog, 'services' | 'defaults'> & Partial<Pick<Catalog, 'roles'>>;
  /** Records where the message was posted (the engine's attachMessage). */
  attach(runId: string, message: { channel: string; ts: string }): Promise<void>;
  /** Reads another run (a revert run's original, to post in its thread). */
  get?(runId: string): Promise<RunView | undefined>;
  log: Logger;
  errors: Metrics['runMessageErrors'] | undefined;
}

/** Where a run's message lives, and the thread its outcome replies go to. */
export interface PostedMessage {
  channel: string;
  ts: string;
  /** Thread root for replies: the message itself, or the original run's message for a revert. */
  threadTs: string;
}

export type PostResult =
  | { ok: true; message: PostedMessage }
  | { ok: false; error: string; timedOut?: boolean };

/** Where a run's plan goes: its channel, else its service's, else the default channel. */
function channelsFor(deps: PublishDeps, view: RunView): string[] {
  const { run } = view;
  const service = Object.hasOwn(deps.catalog.services, run.target.service)
    ? deps.catalog.services[run.target.service]
    : undefined;
  const all = [run.channel, service?.slackChannel, deps.catalog.defaults.slackChannel];
  return [...new Set(all.filter((c): c is string => Boolean(c)))];
}

/**
 * The thread a run's message belongs in: the one it was asked for in (a triage card), else,
 * for a revert run, the thread of the run it undoes when that one has a message.
 */
async function parentThread(deps: PublishDeps, view: RunView): Promise<PostedMessage | undefined> {
  if (view.thread) return { ...view.thread, threadTs: view.thread.ts };
  const { revertOf } = view.run;
  if (!revertOf || !deps.get) return undefined;
  const original = await deps.get(revertOf).catch(() => undefined);
  const message = original?.message;
  return message ? { ...message, threadTs: message.ts } : undefined;
}

/**
 * Posts a run's first message (trying its channel, then its service's, then the default) and
 * records it with the engine; never throws, says what went wrong instead.
 */
export async function postRunMessage(
  deps: PublishDeps,
  view: RunView,
  reply: SlackReply,
): Promise<PostResult> {
  const runId = view.run.id;
  const parent = await parentThread(deps, view);
  let lastError = 'no channel to post in';
  for (const channel of channelsFor(deps, view)) {
    const thread = parent && parent.channel === channel ? parent.threadTs : undefined;
    const call = guardedCall({ method: 'chat.postMessage', run: runId, ...deps }, () =>
      deps.client.chat.postMessage({
        channel,
        text: reply.text,
        blocks: reply.blocks,
        unfurl_links: false,
        ...(thread ? { thread_ts: thread } : {}),
      }),
    );
    const result = await call;
    if (!result.ok) {
      lastError = result.code ?? String(result.error);
      continue;
    }
    const ts = result.value.ts;
    const posted = result.value.channel ?? channel;
    if (!ts) continue;
    const message = { channel: posted, ts, threadTs: thread ?? ts };
    await deps.attach(runId, { channel: posted, ts }).catch((error: unknown) => {
      deps.log.error({ err: error, run: runId }, 'could not record where the run message is');
    });
    return { ok: true, message };
  }
  return { ok: false, error: lastError };
}

/** Edits a run's message in place; `message_not_found` means it was deleted (post anew). */
export async function updateRunMessage(
  deps: PublishDeps,
  runId: string,
  message: PostedMessage,
  reply: SlackReply,
): Promise<'ok' | 'gone' | 'failed'> {
  const result = await guardedCall({ method: 'chat.update', run: runId, ...deps }, () =>
    deps.client.chat.update({
      channel: message.channel,
      ts: message.ts,
      text: reply.text,
      blocks: reply.blocks,
    }),
  );
  if (result.ok) return 'ok';
  return result.code === 'message_not_found' ? 'gone' : 'failed';
}

/** The short threaded reply of an outcome (with its evidence link). */
export function replyOutcome(
  deps: PublishDeps,
  runId: string,
  message: PostedMessage,
  outcome: RunOutcome,
): Promise<boolean> {
  return replyLine(deps, runId, message, outcome.line);
}

/** One line in the run's thread (an outcome, a canary step). */
export async function replyLine(
  deps: PublishDeps,
  runId: string,
  message: PostedMessage,
  line: Line,
): Promise<boolean> {
  const result = await guardedCall({ method: 'chat.postMessage', run: runId, ...deps }, () =>
    deps.client.chat.postMessage({
      channel: message.channel,
      thread_ts: message.threadTs,
      text: linePlain(line),
      blocks: [section(lineMrkdwn(line))],
      unfurl_links: false,
    }),
  );
  return result.ok;
}

/** Finds the thread root of a message the engine recorded (another process may have posted it). */
export async function knownMessage(
  deps: PublishDeps,
  view: RunView,
): Promise<PostedMessage | undefined> {
  if (!view.message) return undefined;
  const parent = await parentThread(deps, view);
  const threadTs =
    parent && parent.channel === view.message.channel ? parent.threadTs : view.message.ts;
  return { ...view.message, threadTs };
}
