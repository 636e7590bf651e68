import type { ResourceDef } from './resources.ts';
import type { KubeObject } from './types.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change to one object, numbered by the resourceVersion the change produced. */
export interface ChangeEvent {
  type: WatchEventType;
  resource: ResourceDef;
  /** The object after the change (for DELETED: its last state, at the deletion's resourceVersion). */
  object: KubeObject;
  /** The object before the change (MODIFIED only), so selector watches see objects leave. */
  previous?: KubeObject;
  resourceVersion: number;
}

export type ChangeListener = (event: ChangeEvent) => void;

/**
 * The recent changes of one cluster, like the API server's watch cache: a watch from a
 * resourceVersion replays what came after it, and one older than what is kept is 410 Gone.
 */
export interface WatchLog {
  append(event: ChangeEvent): void;
  /** Events after `resourceVersion`, or undefined when some of them are no longer kept. */
  since(resourceVersion: number): ChangeEvent[] | undefined;
  /** The oldest resourceVersion a watch can still start from. */
  oldest(): number;
  subscribe(listener: ChangeListener): () => void;
}

/** A log keeping the last `capacity` changes. */
export function createWatchLog(capacity: number, start: number): WatchLog {
  const events: ChangeEvent[] = [];
  const listeners = new Set<ChangeListener>();
  let floor = start;
  return {
    append(event) {
      // The store never mutates an object it has stored (writes replace them), so the log can
      // keep references rather than copies.
      events.push(event);
      while (events.length > capacity) floor = events.shift()?.resourceVersion ?? floor;
      for (const listener of listeners) listener(event);
    },
    since(resourceVersion) {
      if (resourceVersion < floor) return undefined;
      return events.filter((e) => e.resourceVersion > resourceVersion);
    },
    oldest: () => floor,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
