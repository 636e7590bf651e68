import type { MetricsSnapshot, SnapshotSource } from './snapshot.ts';

/**
 * Snapshots kept over time, so range queries and queries at a past `time` see what the
 * series were then. Now (within a second) is always taken live; before the first snapshot,
 * the oldest one stands in (the sandbox was healthy before it started).
 */
export function createHistory(source: SnapshotSource, keepMs: number) {
  const kept: MetricsSnapshot[] = [];
  return {
    sample(): void {
      const snap = source();
      kept.push(snap);
      while (kept.length > 0 && (kept[0]?.at ?? 0) < snap.at - keepMs) kept.shift();
    },
    at(timeMs: number): MetricsSnapshot {
      if (timeMs >= Date.now() - 1_000 || kept.length === 0) return source();
      let found = kept[0] as MetricsSnapshot;
      for (const snap of kept) {
        if (snap.at > timeMs) break;
        found = snap;
      }
      return found;
    },
  };
}
