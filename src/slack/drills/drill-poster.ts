import type { Drill } from '../../drills/drill-store.ts';
import type { DrillAnnouncer } from '../../drills/types.ts';
import type { Logger } from '../../telemetry/logger.ts';
import { renderDrillMessage } from '../render/drill-message.ts';
import { renderDrillNotice } from '../render/drill-notice.ts';
import type { SlackWebClient } from '../web-client.ts';

interface Pending {
  latest: Drill;
  timer?: NodeJS.Timeout;
  lastAt: number;
  chain: Promise<void>;
  sent?: string;
}

/** The Slack side of drills: their one message (edited in place) and their thread. */
export interface DrillPoster extends DrillAnnouncer {
  /** Posts a drill's first message in `channel`; undefined when Slack refused it. */
  post(drill: Drill, channel: string): Promise<{ channel: string; ts: string } | undefined>;
  /** Waits for queued edits (tests, shutdown). */
  idle(): Promise<void>;
  close(): void;
}

/**
 * Posts and edits drill messages. Edits are coalesced: at most one per `minUpdateMs` per
 * drill (the latest state wins), so a sampling loop cannot flood Slack; failures are logged,
 * never thrown into the drill (a Slack outage must not stop a restore).
 */
export function createDrillPoster(options: {
  client: SlackWebClient;
  log: Logger;
  minUpdateMs?: number;
}): DrillPoster {
  const { client, log } = options;
  const minUpdateMs = options.minUpdateMs ?? 500;
  const pending = new Map<string, Pending>();

  async function send(entry: Pending): Promise<void> {
    const drill = entry.latest;
    if (!drill.message) return;
    const message = renderDrillMessage(drill);
    const body = JSON.stringify(message.blocks);
    if (body === entry.sent) return;
    entry.sent = body;
    entry.lastAt = Date.now();
    await client.chat
      .update({
        channel: drill.message.channel,
        ts: drill.message.ts,
        text: message.text,
        blocks: message.blocks,
      })
      .catch((error: unknown) =>
        log.error({ err: error, drill: drill.id }, 'could not update the drill message'),
      );
  }

  function flush(entry: Pending): void {
    entry.timer = undefined;
    entry.chain = entry.chain.then(() => send(entry));
  }

  return {
    async post(drill, channel) {
      const message = renderDrillMessage(drill);
      try {
        const posted = await client.chat.postMessage({
          channel,
          text: message.text,
          blocks: message.blocks,
          unfurl_links: false,
        });
        if (!posted.ts) return undefined;
        const where = { channel: posted.channel ?? channel, ts: posted.ts };
        pending.set(drill.id, {
          latest: { ...drill, message: where },
          lastAt: Date.now(),
          chain: Promise.resolve(),
          sent: JSON.stringify(message.blocks),
        });
        return where;
      } catch (error) {
        log.error({ err: error, drill: drill.id }, 'could not post the drill message');
        return undefined;
      }
    },
    async changed(drill) {
      let entry = pending.get(drill.id);
      if (!entry) {
        entry = { latest: drill, lastAt: 0, chain: Promise.resolve() };
        pending.set(drill.id, entry);
      }
      entry.latest = drill.message
        ? drill
        : { ...drill, ...(entry.latest.message ? { message: entry.latest.message } : {}) };
      if (entry.timer) return;
      const wait = entry.lastAt + minUpdateMs - Date.now();
      const final =
        drill.state === 'finished' ||
        drill.state === 'restore_failed' ||
        drill.state === 'cancelled';
      if (wait <= 0 || final) flush(entry);
      else {
        const target = entry;
        entry.timer = setTimeout(() => flush(target), wait);
      }
    },
    async say(drill, notice) {
      const { text, loud } = renderDrillNotice(drill, notice);
      const message = drill.message ?? pending.get(drill.id)?.latest.message;
      if (!message) {
        log.warn({ drill: drill.id, text }, 'drill has no message to reply under');
        return;
      }
      // A loud line is also broadcast to the channel, so nobody misses it in a thread.
      const blocks = [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text } }];
      const base = {
        channel: message.channel,
        thread_ts: message.ts,
        text,
        blocks,
        unfurl_links: false,
      };
      await client.chat
        .postMessage(loud ? { ...base, reply_broadcast: true } : base)
        .catch((error: unknown) =>
          log.error({ err: error, drill: drill.id }, 'could not reply in the drill thread'),
        );
    },
    async idle() {
      for (const entry of pending.values()) {
        if (entry.timer) {
          clearTimeout(entry.timer);
          flush(entry);
        }
        await entry.chain;
      }
    },
    close() {
      for (const entry of pending.values()) if (entry.timer) clearTimeout(entry.timer);
      pending.clear();
    },
  };
}
