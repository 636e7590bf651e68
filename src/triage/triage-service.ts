import type { Catalog } from '../config/schema.ts';
import type { Playbook } from '../domain/playbooks/schema.ts';
import { deploySignal } from '../domain/triage/deploy-signal.ts';
import type { BookOptions } from '../domain/triage/incident-book.ts';
import type { Deploy, Incident, Signal } from '../domain/triage/schema.ts';
import type { TriageView } from '../findings/triage-subject.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { TriageMetrics } from '../telemetry/triage-metrics.ts';
import { applyToPartition, type PartitionOutcome, rankIncident } from './apply-signals.ts';
import type { ConditionChecker } from './check-conditions.ts';
import type { IncidentRef, IncidentStore, StoredIncident } from './incident-store.ts';
import { createKeyedQueue } from './keyed-queue.ts';
import { createPartitionCache } from './partition-cache.ts';

/** Whoever keeps the incident messages current (the Slack poster): told, never awaited. */
export interface IncidentPublisher {
  publish(ref: IncidentRef): void;
}

/** Recent deploys of a service (the deploy log), as triage reads them. */
export interface DeploySource {
  recent(service: string, since: Date): Promise<Deploy[]>;
}

export interface TriageServiceOptions {
  store: IncidentStore;
  catalog: Catalog;
  playbooks: Playbook[];
  publisher?: IncidentPublisher;
  deploys?: DeploySource;
  metrics: TriageMetrics;
  clock?: () => Date;
  log: Logger;
  book?: BookOptions;
  /** A resolved incident is closed for good this long after resolving. Default 120. */
  closeAfterMinutes?: number;
  /** Measures playbooks' `confirm` conditions before they are suggested; absent: not shown. */
  checkConditions?: ConditionChecker;
}

export interface IngestResult {
  /** Incidents the signals opened, changed or joined, as now stored. */
  incidents: StoredIncident[];
  ignored: PartitionOutcome['ignored'];
}

/** Signals in, incidents stored and ranked, messages due published. */
export interface TriageService {
  /** Applies signals (a delivery, or what `/mc triage` gathered); serialized per service. */
  ingest(signals: Signal[], context: { via: string }): Promise<IngestResult>;
  /** Records an acknowledgement once and observes MTTA; undefined when already acknowledged. */
  acknowledge(
    id: string,
    ack: { viaBot: boolean; by?: string; at?: Date },
  ): Promise<StoredIncident | undefined>;
  /** Publishes every incident whose message is behind (start-up, after a crash). */
  recover(): Promise<number>;
  /**
   * Measures the conditions of open incidents again (a 5xx ratio still climbing when the
   * incident opened) and stores and publishes those whose verdict changed; how many did.
   */
  recheck(): Promise<number>;
  setPublisher(publisher: IncidentPublisher): void;
  /** Waits for ingests in hand (tests, shutdown). */
  idle(): Promise<void>;
}

const MINUTE = 60_000;
/**
 * Services read and measured at once before a batch's transactions: a slow Prometheus costs
 * one wait per two services, and PostgreSQL pool connections stay free for webhooks (with
 * 50 at once, a storm's webhook p99 went from 75 to 124 ms).
 */
const PREPARE_LANES = 2;

/** fn over items, at most `lanes` at a time; results in the items' order. */
async function inLanes<T, R>(items: T[], lanes: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, lane));
  return results;
}
const isAck = (s: Signal) => s.source === 'pagerduty' && s.status === 'acknowledged';

/** What people act on in a ranking: the suggestions in order and each measured verdict. */
function verdict(view: TriageView): string {
  const line = (c: { playbook: string; check?: { status: string } }) =>
    `${c.playbook}:${c.check?.status ?? '-'}`;
  return `${view.suggestions.map(line).join(',')}|${view.candidates.map(line).join(',')}`;
}

/** What a publisher needs to route an incident's message. */
export function refOf(stored: StoredIncident): IncidentRef {
  return {
    id: stored.id,
    ...(stored.incident.service ? { service: stored.incident.service } : {}),
    ...(stored.message ? { message: stored.message } : {}),
  };
}

/**
 * The I/O side of triage: per service (partition), load its live incidents, apply the signals
 * through the domain's incident book, rank, save, all in one transaction under the
 * partition's lock, then hand changed incidents to the publisher. Redelivered signals change
 * nothing, so deliveries may come more than once.
 */
export function createTriageService(options: TriageServiceOptions): TriageService {
  const { store, log, metrics } = options;
  const clock = options.clock ?? (() => new Date());
  const closeAfter = (options.closeAfterMinutes ?? 120) * MINUTE;
  const lookback = (options.book?.deployLookbackMinutes ?? 120) * MINUTE;
  const queue = createKeyedQueue();
  const cache = createPartitionCache(store);
  let publisher = options.publisher;

  function observeAck(stored: StoredIncident) {
    if (!stored.acknowledgedAt) return;
    const seconds = (stored.acknowledgedAt.getTime() - stored.triggeredAt.getTime()) / 1000;
    metrics.ackSeconds.observe(
      { via_bot: String(stored.ackViaBot ?? false) },
      Math.max(0, seconds),
    );
  }

  function publishIfBehind(stored: StoredIncident) {
    if (stored.publishedVersion < stored.version) publisher?.publish(refOf(stored));
  }

  async function deploysOf(partition: string, now: Date): Promise<Signal[]> {
    if (!partition || !options.deploys) return [];
    try {
      const since = new Date(now.getTime() - lookback);
      return (await options.deploys.recent(partition, since)).map(deploySignal);
    } catch (error) {
      // Deploys explain; they never decide whether an alert is seen. Go on without them.
      log.warn({ err: error, service: partition }, 'triage: deploy log unavailable');
      return [];
    }
  }

  /** Ranks, then measures the conditions of the playbooks that fit and ranks with them. */
  async function rank(incident: Incident, now: Date): Promise<TriageView> {
    const first = rankIncident(incident, options.playbooks, now);
    const check = options.checkConditions;
    if (!check || incident.status !== 'open') return first;
    const fit = first.candidates.filter((c) => c.eligible).map((c) => c.playbook);
    if (fit.length === 0) return first;
    const checks = await check(incident, fit.slice(0, 5));
    return Object.keys(checks).length > 0
      ? rankIncident(incident, options.playbooks, now, checks)
      : first;
  }

  /**
   * Measures, before the partition's transaction, the conditions its incidents will need, from
   * what the cache last saw: the checker keeps each answer for a while, so ranking inside the
   * transaction finds it there and never waits on Prometheus while holding the partition lock.
   * A cache that was stale only means a query inside the transaction, as before.
   */
  async function measureAhead(partition: string, signals: Signal[], deploys: Signal[], now: Date) {
    if (!options.checkConditions) return;
    const outcome = applyToPartition({
      incidents: (cache.peek(partition) ?? []).map((s) => s.incident),
      deploys,
      signals,
      ...(options.book ? { options: options.book } : {}),
    });
    await Promise.all(outcome.changed.map((change) => rank(change.incident, now)));
  }

  /** What a partition's transaction needs read first, off the lock: its deploys, its measures. */
  async function prepare(partition: string, signals: Signal[]) {
    const now = clock();
    const deploys = await deploysOf(partition, now);
    await measureAhead(partition, signals, deploys, now);
    return { now, deploys };
  }

  async function ingestPartition(
    partition: string,
    signals: Signal[],
    { now, deploys }: Awaited<ReturnType<typeof prepare>>,
  ) {
    const result = await store.withPartition(partition, async (q) => {
      const live = await cache.load(q, partition, now, new Date(now.getTime() - closeAfter));
      const incidents = live.map((s) => s.incident);
      const outcome = applyToPartition({
        incidents,
        deploys,
        signals,
        ...(options.book ? { options: options.book } : {}),
      });
      const saved: StoredIncident[] = [];
      const acked: StoredIncident[] = [];
      // Provisional ids of incidents opened in this batch, as stored (a `follows` may name one).
      const ids = new Map<string, string>();
      for (const change of outcome.changed) {
        let incident = change.incident;
        if (change.isNew) {
          const id = await store.nextId(q);
          ids.set(incident.id, id);
          incident = { ...incident, id };
        }
        const follows = incident.follows && ids.get(incident.follows);
        if (follows) incident = { ...incident, follows };
        const triage = await rank(incident, now);
        let stored = change.isNew
          ? await store.insert(q, incident, triage)
          : await store.update(q, incident, triage);
        for (const c of change.changes) metrics.incidentChanges.inc({ change: c });
        const ack = incident.signals.find(isAck);
        if (ack && !stored.acknowledgedAt) {
          const at = new Date(ack.at);
          const updated = await store.acknowledge(stored.id, { at, viaBot: false }, q);
          if (updated) {
            stored = updated;
            acked.push(updated);
          }
        }
        saved.push(stored);
      }
      const touched = live.filter((s) => outcome.touched.includes(s.id));
      const savedIds = new Set(saved.map((s) => s.id));
      return {
        saved,
        acked,
        touched,
        live: [...live.filter((s) => !savedIds.has(s.id)), ...saved],
        ignored: outcome.ignored,
      };
    });
    cache.remember(partition, result.live);
    for (const stored of result.acked) observeAck(stored);
    for (const stored of [...result.saved, ...result.touched]) publishIfBehind(stored);
    return result;
  }

  return {
    async ingest(signals, context) {
      const partitions = new Map<string, Signal[]>();
      for (const signal of signals) {
        const key = signal.service ?? '';
        partitions.set(key, [...(partitions.get(key) ?? []), signal]);
      }
      // Reads and measures for every service at once (I/O: a slow Prometheus costs one wait),
      // then the transactions one service after another: a storm's batch touches dozens of
      // services, and ranking them all at once would keep webhooks waiting for the event loop.
      const entries = [...partitions];
      const prepared = await inLanes(entries, PREPARE_LANES, ([key, batch]) => prepare(key, batch));
      const results: Awaited<ReturnType<typeof ingestPartition>>[] = [];
      for (const [i, [key, batch]] of entries.entries()) {
        results.push(await queue.run(key, () => ingestPartition(key, batch, prepared[i]!)));
      }
      const incidents = results.flatMap((r) => [...r.saved, ...r.touched]);
      const ignored = results.flatMap((r) => r.ignored);
      log.debug(
        { via: context.via, signals: signals.length, incidents: incidents.map((i) => i.id) },
        'triage: signals applied',
      );
      return { incidents, ignored };
    },
    async acknowledge(id, ack) {
      const stored = await store.acknowledge(id, { ...ack, at: ack.at ?? clock() });
      if (stored) {
        observeAck(stored);
        publishIfBehind(stored);
      }
      return stored;
    },
    async recover() {
      const due = await store.unpublished();
      for (const ref of due) publisher?.publish(ref);
      if (due.length > 0)
        log.info({ incidents: due.length }, 'triage: messages behind, republishing');
      return due.length;
    },
    async recheck() {
      if (!options.checkConditions) return 0;
      const open = (await store.live()).filter((s) => s.state === 'open');
      let changed = 0;
      for (const live of open) {
        const saved = await queue.run(live.partition, () =>
          store.withPartition(live.partition, async (q) => {
            const current = await store.get(live.id, q);
            if (current?.state !== 'open') return undefined;
            const triage = await rank(current.incident, clock());
            if (verdict(triage) === verdict(current.triage)) return undefined;
            return store.update(q, current.incident, triage);
          }),
        );
        if (saved) {
          changed += 1;
          publishIfBehind(saved);
        }
      }
      return changed;
    },
    setPublisher(next) {
      publisher = next;
    },
    idle: () => queue.idle(),
  };
}
