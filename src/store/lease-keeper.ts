import type { Logger } from '../telemetry/logger.ts';
import type { Lease, Leases } from './leases.ts';

/** One kind of background work that must run on one bot at a time. */
export interface LeasedJob {
  /** Runs while this bot holds the lease: once when it gets it, then every `everyMs`. */
  run(lease: Lease): Promise<unknown>;
  /** Absent: only when the lease is won (the job arms its own timers and checks held()). */
  everyMs?: number;
}

/**
 * Keeps this bot's leases: tries to win every registered name, renews those it holds, and
 * runs each job only while its lease is held. A holder that dies stops renewing; another
 * bot's keeper wins the lease within ttl + renewEveryMs and runs the job at once.
 */
export interface LeaseKeeper {
  readonly leases: Leases;
  /** Registers a job under lease `name` (before or after start). */
  job(name: string, job: LeasedJob): void;
  /**
   * Per-item work (one drill, one run): takes lease `name` now if it is free and keeps it
   * renewed until drop(name). Undefined when another live bot holds it.
   */
  hold(name: string): Promise<Lease | undefined>;
  /** Stops renewing `name` and releases it. */
  drop(name: string): Promise<void>;
  /** The lease on `name` while this bot surely holds it (by its own conservative clock). */
  held(name: string): Lease | undefined;
  /** Runs fn in a transaction that proves this bot still holds `name` (see Leases.fenced). */
  fenced: Leases['fenced'];
  /** Takes the free leases and runs the won jobs once before it resolves; then keeps them. */
  start(): Promise<void>;
  /** Stops the jobs, waits for running ones, and releases every lease held. */
  stop(): Promise<void>;
}

export interface LeaseKeeperOptions {
  leases: Leases;
  log: Logger;
  /** How often leases are renewed and free ones tried. Default ttl / 3. */
  renewEveryMs?: number;
}

interface Entry {
  job: LeasedJob;
  /** Per-item (hold): released by drop() only, when its owner's work has ended. */
  item?: boolean;
  lease?: Lease | undefined;
  /** performance.now() until which the lease is surely ours (request sent + ttl). */
  until: number;
  timer?: NodeJS.Timeout | undefined;
  running?: Promise<unknown> | undefined;
}

/** A keeper over `leases`; nothing happens until start(). */
export function createLeaseKeeper(options: LeaseKeeperOptions): LeaseKeeper {
  const { leases, log } = options;
  const renewEveryMs = options.renewEveryMs ?? Math.max(Math.floor(leases.ttlMs / 3), 1);
  if (!(renewEveryMs > 0) || renewEveryMs >= leases.ttlMs) {
    throw new RangeError(
      `renewEveryMs (${renewEveryMs}) must be > 0 and below the lease ttl (${leases.ttlMs} ms)`,
    );
  }
  const entries = new Map<string, Entry>();
  let loop: NodeJS.Timeout | undefined;
  let ticking: Promise<void> = Promise.resolve();
  let stopped = false;

  function held(name: string): Lease | undefined {
    const entry = entries.get(name);
    if (!entry?.lease || performance.now() >= entry.until) return undefined;
    return entry.lease;
  }

  function runJob(name: string, entry: Entry): void {
    const lease = held(name);
    if (!lease || entry.running || stopped) return;
    entry.running = entry.job
      .run(lease)
      .catch((error: unknown) => log.error({ err: error, lease: name }, 'leased job failed'))
      .finally(() => {
        entry.running = undefined;
      });
  }

  function lose(name: string, entry: Entry): void {
    if (!entry.lease) return;
    log.warn({ lease: name, generation: entry.lease.generation }, 'lease lost');
    entry.lease = undefined;
    clearInterval(entry.timer);
    entry.timer = undefined;
  }

  async function keep(name: string, entry: Entry): Promise<void> {
    const sent = performance.now();
    const had = held(name);
    let lease: Lease | undefined;
    try {
      lease = had ? await leases.renew(had) : await leases.acquire(name);
    } catch (error) {
      log.warn({ err: error, lease: name }, 'lease renewal failed; retrying');
      if (performance.now() >= entry.until) lose(name, entry);
      return;
    }
    if (entries.get(name) !== entry) {
      // Dropped while the request was out: give back what it got.
      if (lease && !had) await leases.release(lease).catch(() => undefined);
      return;
    }
    if (stopped) return;
    if (!lease) {
      lose(name, entry);
      return;
    }
    entry.lease = lease;
    entry.until = sent + leases.ttlMs;
    if (had) return;
    log.info({ lease: name, generation: lease.generation }, 'lease won');
    runJob(name, entry);
    if (entry.job.everyMs !== undefined) {
      entry.timer = setInterval(() => runJob(name, entry), entry.job.everyMs);
      entry.timer.unref();
    }
  }

  function tick(): void {
    ticking = ticking
      .then(() => Promise.all([...entries].map(([name, entry]) => keep(name, entry))))
      .then(() => undefined);
  }

  return {
    leases,
    job(name, job) {
      if (entries.has(name)) throw new Error(`lease ${name} already has a job`);
      if (job.everyMs !== undefined && !(job.everyMs > 0)) {
        throw new RangeError(`everyMs of lease ${name} must be > 0, got ${job.everyMs}`);
      }
      const entry: Entry = { job, until: 0 };
      entries.set(name, entry);
      if (loop) ticking = ticking.then(() => keep(name, entry));
    },
    async hold(name) {
      const mine = held(name);
      if (mine) return mine;
      if (stopped || entries.has(name)) return undefined;
      const sent = performance.now();
      const lease = await leases.acquire(name);
      if (!lease || stopped || entries.has(name)) return undefined;
      entries.set(name, {
        job: { run: async () => undefined },
        item: true,
        lease,
        until: sent + leases.ttlMs,
      });
      return lease;
    },
    async drop(name) {
      const lease = held(name);
      entries.delete(name);
      if (lease) await leases.release(lease);
    },
    held,
    fenced: leases.fenced,
    async start() {
      if (loop || stopped) return;
      tick();
      loop = setInterval(tick, renewEveryMs);
      loop.unref();
      await ticking;
      await Promise.all([...entries.values()].map((entry) => entry.running));
    },
    async stop() {
      stopped = true;
      clearInterval(loop);
      await ticking;
      for (const entry of entries.values()) clearInterval(entry.timer);
      await Promise.all([...entries.values()].map((entry) => entry.running));
      await Promise.all(
        [...entries].map(async ([name, entry]) => {
          // Per-item leases stay with their work until it ends (drop) or they expire.
          if (entry.item) return;
          const lease = held(name);
          entry.lease = undefined;
          if (!lease) return;
          await leases.release(lease).catch((error: unknown) => {
            log.warn({ err: error, lease: name }, 'releasing a lease failed; it expires');
          });
        }),
      );
    },
  };
}
