import { type KubeConfig, Watch } from '@kubernetes/client-node';

/** One event as client-node's Watch hands it over. */
export interface SeenEvent {
  type: string;
  object: {
    kind?: string;
    code?: number;
    reason?: string;
    message?: string;
    metadata?: { name?: string; resourceVersion?: string; annotations?: Record<string, string> };
    [key: string]: unknown;
  };
}

/** A watch opened with client-node's real Watch, collecting what it receives. */
export interface WatchStream {
  events: SeenEvent[];
  /** Resolves once `count` events matching `match` have arrived. */
  until(match: (e: SeenEvent) => boolean, count?: number): Promise<SeenEvent[]>;
  /** Resolves when the server ends the stream (the `done` callback). */
  ended: Promise<unknown>;
  stop(): void;
}

/** Opens a watch on `path` (`watch=true` is added) and records its events. */
export async function openWatch(
  kc: KubeConfig,
  path: string,
  query: Record<string, string | number | boolean> = {},
): Promise<WatchStream> {
  const events: SeenEvent[] = [];
  const waiters: (() => void)[] = [];
  let finish: (err: unknown) => void = () => {};
  const ended = new Promise<unknown>((resolve) => {
    finish = resolve;
  });
  const controller = await new Watch(kc).watch(
    path,
    query,
    (type, object) => {
      events.push({ type, object });
      for (const check of [...waiters]) check();
    },
    (err) => finish(err),
  );
  return {
    events,
    ended,
    stop: () => controller.abort(),
    until(match, count = 1) {
      return new Promise((resolve) => {
        const check = () => {
          const found = events.filter(match);
          if (found.length < count) return;
          waiters.splice(waiters.indexOf(check), 1);
          resolve(found);
        };
        waiters.push(check);
        check();
      });
    },
  };
}
