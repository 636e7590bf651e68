import type { Queryable } from '../store/db.ts';
import type { IncidentStore, LiveVersion, StoredIncident } from './incident-store.ts';

/** The live incidents of partitions, kept between deliveries so busy ones are not re-read. */
export interface PartitionCache {
  /**
   * The partition's live incidents, read under its lock: from memory where the stored version
   * still matches (the large documents are not read again), from the database otherwise.
   * Also closes, at most once per `closeEveryMs`, incidents resolved before `closeBefore`.
   */
  load(q: Queryable, partition: string, now: Date, closeBefore: Date): Promise<StoredIncident[]>;
  /** What the partition holds after a committed change. */
  remember(partition: string, live: StoredIncident[]): void;
  /** The live incidents last remembered, without reading the store (may be stale, or absent). */
  peek(partition: string): StoredIncident[] | undefined;
}

const pick = (v: LiveVersion) => (v.message ? { message: v.message } : {});

/** A cache over the store, bounded to `maxPartitions` (the least recently written go first). */
export function createPartitionCache(
  store: Pick<IncidentStore, 'closeStale' | 'liveVersions' | 'livePartition'>,
  options: { maxPartitions?: number; closeEveryMs?: number } = {},
): PartitionCache {
  const maxPartitions = options.maxPartitions ?? 500;
  const closeEveryMs = options.closeEveryMs ?? 60_000;
  const cache = new Map<string, Map<string, StoredIncident>>();
  const lastClose = new Map<string, number>();
  return {
    async load(q, partition, now, closeBefore) {
      const at = now.getTime();
      if (at - (lastClose.get(partition) ?? 0) >= closeEveryMs) {
        await store.closeStale(q, partition, closeBefore);
        lastClose.set(partition, at);
      }
      const versions = await store.liveVersions(q, partition);
      const cached = cache.get(partition);
      const stale = versions.filter((v) => cached?.get(v.id)?.version !== v.version);
      const fresh =
        stale.length > 0
          ? await store.livePartition(
              q,
              partition,
              stale.map((v) => v.id),
            )
          : [];
      const byId = new Map(fresh.map((s) => [s.id, s]));
      return versions
        .flatMap((v) => {
          const known = byId.get(v.id) ?? cached?.get(v.id);
          // The poster moves these without a version change: take them from the row.
          return known ? [{ ...known, publishedVersion: v.publishedVersion, ...pick(v) }] : [];
        })
        .sort((a, b) => Date.parse(a.incident.openedAt) - Date.parse(b.incident.openedAt));
    },
    peek(partition) {
      const cached = cache.get(partition);
      return cached ? [...cached.values()] : undefined;
    },
    remember(partition, live) {
      cache.delete(partition);
      cache.set(partition, new Map(live.filter((s) => s.state !== 'closed').map((s) => [s.id, s])));
      for (const key of cache.keys()) {
        if (cache.size <= maxPartitions) break;
        cache.delete(key);
      }
      if (lastClose.size > maxPartitions * 4) lastClose.clear();
    },
  };
}
