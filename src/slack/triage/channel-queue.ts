/** What a job says back: nothing (done), or that Slack asked to wait before calling again. */
export type JobResult = undefined | { retryAfterMs: number };
export type Job = () => Promise<JobResult>;

export interface ChannelQueueOptions {
  /** Least time between the starts of two calls in one channel. Slack: ~1 message/s/channel. */
  minIntervalMs: number;
  now?: () => number;
  /** A job threw: it is dropped (the caller decides about retries). */
  onError?: (error: unknown, channel: string, key: string) => void;
}

/** Rate-limited lanes of Slack calls, one per channel, with coalescing by key. */
export interface ChannelQueue {
  /**
   * Queues a job under `key` in `channel`. A job still waiting under the same key is replaced
   * in place: several updates of one message collapse into the latest.
   */
  push(channel: string, key: string, job: Job): void;
  /** Resolves when nothing waits, runs or is timed (bounded by `timeoutMs`, default 60 s). */
  idle(timeoutMs?: number): Promise<void>;
  /** Jobs waiting, all channels. */
  size(): number;
  /** Drops waiting jobs and timers; a job in hand finishes. */
  close(): void;
}

interface Lane {
  pending: Map<string, Job>;
  lastAt: number;
  busy: boolean;
  timer?: NodeJS.Timeout;
}

/**
 * One lane per channel: a call starts at least `minIntervalMs` after the previous one ended, and a 429 pauses every
 * lane for its Retry-After (the job goes back to the front of its lane unless a newer one
 * for its key is already waiting). Lanes run in parallel; a lane runs one call at a time.
 */
export function createChannelQueue(options: ChannelQueueOptions): ChannelQueue {
  const now = options.now ?? (() => performance.now());
  const lanes = new Map<string, Lane>();
  const waiters = new Set<() => void>();
  let pausedUntil = Number.NEGATIVE_INFINITY;
  let closed = false;

  const quiet = () => [...lanes.values()].every((l) => !l.busy && !l.timer && l.pending.size === 0);
  function checkIdle() {
    if (!quiet()) return;
    for (const wake of waiters) wake();
    waiters.clear();
  }

  function schedule(channel: string, lane: Lane) {
    if (closed || lane.busy || lane.timer || lane.pending.size === 0) return checkIdle();
    const wait = Math.max(lane.lastAt + options.minIntervalMs, pausedUntil) - now();
    if (wait > 0) {
      lane.timer = setTimeout(() => {
        lane.timer = undefined;
        schedule(channel, lane);
      }, Math.ceil(wait));
      return;
    }
    void runNext(channel, lane);
  }

  function rescheduleAll() {
    for (const [channel, lane] of lanes) {
      if (!lane.timer) continue;
      clearTimeout(lane.timer);
      lane.timer = undefined;
      schedule(channel, lane);
    }
  }

  async function runNext(channel: string, lane: Lane) {
    const next = lane.pending.entries().next().value;
    if (!next) return checkIdle();
    const [key, job] = next;
    lane.pending.delete(key);
    lane.busy = true;
    try {
      const result = await job();
      if (result) {
        pausedUntil = Math.max(pausedUntil, now() + result.retryAfterMs);
        if (!lane.pending.has(key)) lane.pending = new Map([[key, job], ...lane.pending]);
        rescheduleAll();
      }
    } catch (error) {
      options.onError?.(error, channel, key);
    } finally {
      // Counted from the end of the job, whose last step is the Slack call: however long the
      // work before that call took, two calls reach Slack at least minIntervalMs apart.
      lane.lastAt = now();
      lane.busy = false;
      schedule(channel, lane);
    }
  }

  return {
    push(channel, key, job) {
      if (closed) return;
      let lane = lanes.get(channel);
      if (!lane) {
        lane = { pending: new Map(), lastAt: Number.NEGATIVE_INFINITY, busy: false };
        lanes.set(channel, lane);
      }
      lane.pending.set(key, job);
      schedule(channel, lane);
    },
    idle(timeoutMs = 60_000) {
      if (quiet()) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiters.delete(done);
          resolve();
        }, timeoutMs);
        timer.unref();
        function done() {
          clearTimeout(timer);
          resolve();
        }
        waiters.add(done);
      });
    },
    size: () => [...lanes.values()].reduce((sum, l) => sum + l.pending.size, 0),
    close() {
      closed = true;
      for (const lane of lanes.values()) {
        if (lane.timer) clearTimeout(lane.timer);
        lane.timer = undefined;
        lane.pending.clear();
      }
      checkIdle();
    },
  };
}
