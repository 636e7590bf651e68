import type { ServerResponse } from 'node:http';
import { badRequest, KubeError } from './errors.ts';
import type { ResourceRoute } from './handlers.ts';
import { apiVersionOf } from './resources.ts';
import { objectFilter } from './selectors.ts';
import { type TableRequest, toTable } from './table.ts';
import type { KubeObject } from './types.ts';
import type { ChangeEvent, WatchEventType } from './watch-log.ts';
import type { ControllerEnv } from './workloads.ts';

export interface WatchOptions {
  /** Real milliseconds between BOOKMARK events when the client allows them. */
  bookmarkMs: number;
  /** Registers a function that ends the watch (the emulator ends them all on close). */
  track(stop: () => void): () => void;
}

/** Default watch length when the client sets no `timeoutSeconds` (the API server picks 30–60 min). */
const DEFAULT_TIMEOUT_SECONDS = 1800;

/** True for `?watch=1` / `?watch=true`. */
export function isWatch(query: URLSearchParams): boolean {
  const value = query.get('watch');
  return value === '1' || value === 'true';
}

function expired(requested: number, oldest: number) {
  const message = `too old resource version: ${requested} (${oldest})`;
  return new KubeError(410, message, 'Expired').body;
}

/**
 * Serves `?watch=1` as the API server does: a chunked stream of `{type, object}` lines.
 * Without a resourceVersion (or with "0") it starts with ADDED for every current object; with
 * one it replays the changes after it, or sends an ERROR event with a 410 Expired Status when
 * those are no longer kept. Objects that stop matching the selectors are sent as DELETED and
 * ones that start matching as ADDED. `allowWatchBookmarks` adds periodic BOOKMARKs,
 * `sendInitialEvents` ends the initial ADDED events with a bookmark annotated
 * `k8s.io/initial-events-end`, and `timeoutSeconds` ends the stream.
 */
export function serveWatch(
  env: ControllerEnv,
  route: ResourceRoute,
  query: URLSearchParams,
  table: TableRequest | undefined,
  res: ServerResponse,
  options: WatchOptions,
): void {
  const { resource, namespace } = route;
  const matchesQuery = objectFilter(resource, query);
  const matches = (o: KubeObject | undefined) =>
    o !== undefined &&
    (namespace === undefined || o.metadata.namespace === namespace) &&
    (route.name === undefined || o.metadata.name === route.name) &&
    matchesQuery(o);
  const rvText = query.get('resourceVersion') ?? '';
  const initial = rvText === '' || rvText === '0' || query.get('sendInitialEvents') === 'true';
  const bookmarks = query.get('allowWatchBookmarks') === 'true';
  if (!initial && !/^\d+$/.test(rvText))
    throw badRequest(
      `invalid resource version: strconv.ParseUint: parsing "${rvText}": invalid syntax`,
    );
  let replay: ChangeEvent[] = [];
  // Headers go out at once: clients wait for them before reading events (client-node does).
  res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
  res.flushHeaders();
  if (!initial) {
    const requested = Number(rvText);
    const found = env.store.changes.since(requested);
    if (!found) {
      res.end(
        `${JSON.stringify({ type: 'ERROR', object: expired(requested, env.store.changes.oldest()) })}\n`,
      );
      return;
    }
    replay = found;
  }
  let first = true;
  const send = (type: WatchEventType | 'BOOKMARK', object: unknown) => {
    res.write(`${JSON.stringify({ type, object })}\n`);
  };
  const sendObject = (type: WatchEventType, obj: KubeObject) => {
    const full = { ...obj, kind: resource.kind, apiVersion: apiVersionOf(resource) };
    if (!table) return send(type, full);
    const rv = obj.metadata.resourceVersion;
    send(type, toTable(resource, [full], table, env.clock, rv, first));
    first = false;
  };
  const bookmark = (annotations?: Record<string, string>) => {
    const metadata = {
      resourceVersion: env.store.resourceVersion(),
      ...(annotations ? { annotations } : {}),
    };
    send('BOOKMARK', { kind: resource.kind, apiVersion: apiVersionOf(resource), metadata });
  };
  const deliver = (event: ChangeEvent) => {
    if (event.resource !== resource) return;
    const now = matches(event.object);
    const before = event.type === 'MODIFIED' ? matches(event.previous) : now;
    if (event.type === 'MODIFIED' && now && !before) sendObject('ADDED', event.object);
    else if (event.type === 'MODIFIED' && !now && before) sendObject('DELETED', event.object);
    else if (now) sendObject(event.type, event.object);
  };
  if (initial) {
    for (const obj of env.store.list(resource, namespace).filter(matches)) sendObject('ADDED', obj);
    if (query.get('sendInitialEvents') === 'true' && bookmarks)
      bookmark({ 'k8s.io/initial-events-end': 'true' });
  }
  for (const event of replay) deliver(event);
  const unsubscribe = env.store.changes.subscribe(deliver);
  const timer = bookmarks ? setInterval(() => bookmark(), options.bookmarkMs) : undefined;
  const seconds = Number(query.get('timeoutSeconds') ?? DEFAULT_TIMEOUT_SECONDS);
  let untrack = () => {};
  const stop = () => {
    clearTimeout(timeout);
    if (timer) clearInterval(timer);
    unsubscribe();
    untrack();
    if (!res.writableEnded) res.end();
  };
  const timeout = setTimeout(() => {
    if (bookmarks) bookmark();
    stop();
  }, Math.max(0, seconds) * 1000);
  untrack = options.track(stop);
  res.on('close', stop);
}
