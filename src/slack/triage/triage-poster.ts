import type { Catalog } from '../../config/schema.ts';
import { type NeedsApproval, triageFinding } from '../../findings/triage-finding.ts';
import type { Logger } from '../../telemetry/logger.ts';
import type { TriageMetrics } from '../../telemetry/triage-metrics.ts';
import type { IncidentRef, IncidentStore, StoredIncident } from '../../triage/incident-store.ts';
import type { IncidentPublisher } from '../../triage/triage-service.ts';
import type { SlackReply } from '../render/blocks.ts';
import { renderTriageMessage, renderTriageNotice } from '../render/triage-message.ts';
import { type CallResult, slackCall } from '../slack-call.ts';
import type { SlackWebClient } from '../web-client.ts';
import { createChannelQueue, type JobResult } from './channel-queue.ts';

export interface TriagePosterOptions {
  /** Build it with `rejectRateLimitedCalls: true`: the poster waits out 429s itself. */
  client: SlackWebClient;
  store: Pick<IncidentStore, 'get' | 'attachMessage' | 'markPublished'>;
  catalog: Pick<Catalog, 'services' | 'defaults'>;
  log: Logger;
  metrics: TriageMetrics;
  /** Whether running a suggestion needs approval there (its button then asks for it). */
  needsApproval?: NeedsApproval;
  /** Least time between two calls in one channel. Default 1000 ms (Slack: ~1 message/s). */
  minIntervalMs?: number;
  /**
   * Least time between two edits of one incident's message; changes in between are sent as
   * one edit with the latest state. Default 5 × minIntervalMs (5 s): under an alert storm each
   * edit costs a read and a write on the store that intake is waiting for.
   */
  minUpdateIntervalMs?: number;
  /** Tries of a message that fails for another reason than a rate limit. Default 3. */
  maxAttempts?: number;
  /** Wait before such a retry. Default 5 s. */
  retryDelayMs?: number;
  /**
   * Bots sharing one database each drain the inbox, so two may publish one new incident at
   * once: the first message is posted only under this per-incident claim (a lease), and the
   * other bot edits it afterwards. Absent: this bot is the only one (no claim needed).
   */
  claims?: FirstPostClaims;
}

/** Per-item claims among bots: hold gives undefined while another live bot holds the name. */
export interface FirstPostClaims {
  hold(name: string): Promise<unknown>;
  drop(name: string): Promise<void>;
}

// How soon a bot that lost the claim looks again (by then the message is usually attached).
const CLAIM_RETRY_MS = 250;

/** Keeps ONE Slack message per incident current, within Slack's rate limits. */
export interface TriagePoster extends IncidentPublisher {
  /** A threaded reply under a message, queued with the channel's other calls. */
  reply(message: { channel: string; ts: string }, reply: SlackReply): void;
  /** Waits until nothing is queued or in flight (tests, shutdown), bounded. */
  idle(timeoutMs?: number): Promise<void>;
  close(): void;
}

// Errors that mean "this channel will not take the message": fall back to the default channel.
const CHANNEL_ERRORS = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'restricted_action',
]);

let replies = 0;

/**
 * The incident publisher for Slack. Each publish() queues the incident in its channel's lane
 * (coalescing: one pending job per incident); when its turn comes, the incident is read
 * again and its message posted once (chat.postMessage) or edited (chat.update), so what is
 * sent is always the latest state. A 429 pauses every lane for Retry-After.
 */
export function createTriagePoster(options: TriagePosterOptions): TriagePoster {
  const { client, store, catalog, log, metrics } = options;
  const findingOptions = options.needsApproval ? { needsApproval: options.needsApproval } : {};
  const maxAttempts = options.maxAttempts ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 5_000;
  const retries = new Set<NodeJS.Timeout>();
  const minIntervalMs = options.minIntervalMs ?? 1_000;
  const minUpdateIntervalMs = options.minUpdateIntervalMs ?? 5 * minIntervalMs;
  // Incidents whose message was edited less than minUpdateIntervalMs ago, and which of them
  // changed again since (edited once more when their window ends).
  const resting = new Map<string, NodeJS.Timeout>();
  const changedWhileResting = new Set<string>();
  const queue = createChannelQueue({
    minIntervalMs,
    onError: (error, channel, key) =>
      log.error({ err: error, channel, incident: key }, 'triage: publishing failed'),
  });

  const channelFor = (ref: IncidentRef) =>
    ref.message?.channel ??
    (ref.service && Object.hasOwn(catalog.services, ref.service)
      ? catalog.services[ref.service]?.slackChannel
      : undefined) ??
    catalog.defaults.slackChannel;

  function push(ref: IncidentRef, channel: string, attempt: number) {
    queue.push(channel, ref.id, () => deliver(ref, channel, attempt));
  }

  /** Edits a posted message now, or once its incident's last edit is old enough. */
  function edit(ref: IncidentRef) {
    if (resting.has(ref.id)) {
      changedWhileResting.add(ref.id);
      return;
    }
    push(ref, channelFor(ref), 1);
    if (minUpdateIntervalMs <= 0) return;
    const timer = setTimeout(() => {
      resting.delete(ref.id);
      if (changedWhileResting.delete(ref.id)) edit(ref);
    }, minUpdateIntervalMs);
    resting.set(ref.id, timer);
  }

  function retryLater(ref: IncidentRef, channel: string, attempt: number, error: string) {
    if (attempt >= maxAttempts) {
      log.error({ incident: ref.id, channel, error, attempt }, 'triage: message not published');
      return;
    }
    log.warn({ incident: ref.id, channel, error, attempt }, 'triage: message failed; will retry');
    const timer = setTimeout(() => {
      retries.delete(timer);
      push(ref, channel, attempt + 1);
    }, retryDelayMs);
    retries.add(timer);
  }

  async function post(
    stored: StoredIncident,
    channel: string,
    attempt: number,
    replace: boolean,
  ): Promise<JobResult> {
    const rendered = renderTriageMessage(triageFinding(stored, findingOptions));
    const result = await slackCall('chat.postMessage', metrics, () =>
      client.chat.postMessage({
        channel,
        text: rendered.text,
        blocks: rendered.blocks,
        unfurl_links: false,
      }),
    );
    if (!result.ok) return failed(result, stored, channel, attempt);
    const ts = result.value.ts;
    if (!ts) {
      retryLater(stored, channel, attempt, 'no ts in the answer');
      return undefined;
    }
    const message = { channel: result.value.channel ?? channel, ts };
    const first = await store.attachMessage(stored.id, message, stored.version, { replace });
    if (!first) log.warn({ incident: stored.id, message }, 'triage: a second message was posted');
    if (first && !replace) await pointBack(stored);
    return undefined;
  }

  /** The incident's first message, posted by the one bot holding its claim; others edit it later. */
  async function postFirst(
    stored: StoredIncident,
    channel: string,
    attempt: number,
  ): Promise<JobResult> {
    const { claims } = options;
    if (!claims) return post(stored, channel, attempt, false);
    const name = `triage.post:${stored.id}`;
    if (!(await claims.hold(name))) {
      const timer = setTimeout(() => {
        retries.delete(timer);
        push({ id: stored.id }, channel, attempt);
      }, CLAIM_RETRY_MS);
      retries.add(timer);
      return undefined;
    }
    try {
      // Read again under the claim: the holder before us may have posted it meanwhile.
      const fresh = await store.get(stored.id);
      if (fresh && !fresh.message) return await post(fresh, channel, attempt, false);
    } finally {
      await claims.drop(name);
    }
    return deliver({ id: stored.id }, channel, attempt);
  }

  /** Under the closed incident a new one follows, a reply that says where its signals went. */
  async function pointBack(stored: StoredIncident) {
    const follows = stored.incident.follows;
    const previous = follows ? await store.get(follows) : undefined;
    if (!previous?.message) return;
    api.reply(
      previous.message,
      renderTriageNotice(
        `:arrows_counterclockwise: Signals came back after this incident was resolved: see \`${stored.id}\`.`,
      ),
    );
  }

  function failed(
    result: Exclude<CallResult<unknown>, { ok: true }>,
    stored: StoredIncident,
    channel: string,
    attempt: number,
  ): JobResult {
    if (result.retryAfterMs !== undefined) return { retryAfterMs: result.retryAfterMs };
    const fallback = catalog.defaults.slackChannel;
    if (!stored.message && CHANNEL_ERRORS.has(result.error) && channel !== fallback) {
      log.warn(
        { incident: stored.id, channel, error: result.error },
        'triage: posting in the default channel',
      );
      push({ id: stored.id }, fallback, attempt);
      return undefined;
    }
    retryLater(stored, channel, attempt, result.error);
    return undefined;
  }

  async function deliver(ref: IncidentRef, channel: string, attempt: number): Promise<JobResult> {
    const stored = await store.get(ref.id);
    if (!stored) return undefined;
    if (stored.message && stored.publishedVersion >= stored.version) return undefined;
    if (!stored.message) {
      if (stored.state !== 'open') {
        // Over before anyone was told: a message now would only be noise.
        await store.markPublished(stored.id, stored.version);
        log.info({ incident: stored.id }, 'triage: resolved before its message was posted');
        return undefined;
      }
      return postFirst(stored, channel, attempt);
    }
    const rendered = renderTriageMessage(triageFinding(stored, findingOptions));
    const { message } = stored;
    const result = await slackCall('chat.update', metrics, () =>
      client.chat.update({
        channel: message.channel,
        ts: message.ts,
        text: rendered.text,
        blocks: rendered.blocks,
      }),
    );
    if (result.ok) {
      await store.markPublished(stored.id, stored.version);
      return undefined;
    }
    if (result.error === 'message_not_found') return post(stored, message.channel, attempt, true);
    return failed(result, stored, message.channel, attempt);
  }

  const api: TriagePoster = {
    publish(ref) {
      if (ref.message) edit(ref);
      else push(ref, channelFor(ref), 1);
    },
    reply(message, body) {
      replies += 1;
      queue.push(message.channel, `reply-${replies}`, async () => {
        const result = await slackCall('chat.postMessage', metrics, () =>
          client.chat.postMessage({
            channel: message.channel,
            thread_ts: message.ts,
            text: body.text,
            blocks: body.blocks,
            unfurl_links: false,
          }),
        );
        if (!result.ok && result.retryAfterMs !== undefined)
          return { retryAfterMs: result.retryAfterMs };
        if (!result.ok) log.warn({ message, error: result.error }, 'triage: thread reply failed');
        return undefined;
      });
    },
    async idle(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      // A failed call may schedule a retry after the queue went quiet: wait for those too.
      while (Date.now() < deadline) {
        await queue.idle(Math.max(1, deadline - Date.now()));
        if (retries.size === 0 && changedWhileResting.size === 0 && queue.size() === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close() {
      for (const timer of [...retries, ...resting.values()]) clearTimeout(timer);
      retries.clear();
      resting.clear();
      changedWhileResting.clear();
      queue.close();
    },
  };
  return api;
}
