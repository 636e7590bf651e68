import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { KubeUser } from './authn.ts';
import { createClock } from './clock.ts';
import { type Cluster, createCluster } from './cluster.ts';
import { KubeError } from './errors.ts';
import { createFaultPlan, type Fault, type RecordedRequest } from './faults.ts';
import { decodeProtobuf } from './protobuf.ts';
import { DEFAULT_CLUSTER, parseRoute } from './routes.ts';
import { selfSignedCert } from './self-signed-cert.ts';
import { serveRequest } from './serve-request.ts';
import type { KubeObject, SeedObject } from './types.ts';

export interface KubeEmulatorOptions {
  /** Real milliseconds between automatic ticks (default 50). */
  tickMs?: number;
  /** Tick on a timer (default true). Turn off and call `tick()` for step-by-step tests. */
  autoTick?: boolean;
  /** Emulated milliseconds per real millisecond: each tick moves the clock tickMs × timeScale (default 1). */
  timeScale?: number;
  /** When true (default), `close()` rejects if any request hit an unknown path or method. */
  strict?: boolean;
  /** Start of the emulated clock (default: now). */
  startTime?: Date;
  /**
   * Enforce RBAC (default false: every request is allowed, whatever its token). When on, the
   * admin token (`kubeConfigFor`'s) is group system:masters, `users` are who they say, other
   * tokens are 401, and Roles/ClusterRoles and their bindings decide the rest.
   */
  rbac?: boolean;
  /** Bearer tokens the emulator knows besides the admin's, and the users they stand for. */
  users?: KubeUser[];
  /** Changes each cluster keeps for watches; a watch from an older resourceVersion is 410 (default 1000). */
  watchCacheSize?: number;
  /** Real milliseconds between watch BOOKMARKs for clients that allow them (default 1000). */
  bookmarkMs?: number;
  /**
   * Serve https with a fresh self-signed certificate (default false: plain http). kubectl sends
   * bearer tokens and `--as` only over TLS, so kubectl tests of RBAC need this.
   */
  tls?: boolean;
}

export interface KubeEmulator {
  /** Base URL of the default cluster, e.g. http://127.0.0.1:PORT. */
  readonly url: string;
  /** Every request served, in order. */
  readonly requests: RecordedRequest[];
  /** Requests to paths or methods the emulator does not serve (answered 404/405). */
  readonly unexpected: RecordedRequest[];
  /** Server URL of a named cluster (`url` itself for the default cluster). */
  serverFor(cluster?: string): string;
  /** A cluster by name, created empty on first use. */
  cluster(name?: string): Cluster;
  /** Advances the clock by one tick and runs every cluster's controllers, `count` times. */
  tick(count?: number): void;
  /** Moves the emulated clock without running controllers. */
  advanceTime(ms: number): void;
  /** Makes the next `count` requests matching `fault` fail with its status and a Status body. */
  failNext(count: number, fault: Fault): void;
  seed(objects: SeedObject[], cluster?: string): KubeObject[];
  get(
    kind: string,
    namespace: string | undefined,
    name: string,
    cluster?: string,
  ): KubeObject | undefined;
  list(kind: string, namespace?: string, cluster?: string): KubeObject[];
  /** Errors thrown by controllers during automatic ticks (a bug in the emulator if not empty). */
  readonly errors: Error[];
  /** Throws listing the unexpected requests, if any. */
  assertNoUnexpected(): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  if (
    req.headers['content-type']?.startsWith('application/vnd.kubernetes.protobuf') &&
    raw.length > 0
  )
    return decodeProtobuf(raw);
  const text = raw.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new KubeError(
      400,
      `the request body is not valid JSON: ${text.slice(0, 80)}`,
      'BadRequest',
    );
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Starts a Kubernetes API emulator on 127.0.0.1 (port 0); see README.md in this folder. */
export async function startKubeEmulator(options: KubeEmulatorOptions = {}): Promise<KubeEmulator> {
  const tickMs = options.tickMs ?? 50;
  const timeScale = options.timeScale ?? 1;
  const clock = createClock(options.startTime?.getTime());
  const clusters = new Map<string, Cluster>();
  const faults = createFaultPlan();
  const requests: RecordedRequest[] = [];
  const unexpected: RecordedRequest[] = [];
  const cluster = (name = DEFAULT_CLUSTER) => {
    let found = clusters.get(name);
    if (!found) {
      found = createCluster(name, clock, options.watchCacheSize);
      clusters.set(name, found);
    }
    return found;
  };
  cluster();
  const access = { rbac: options.rbac ?? false, users: options.users ?? [] };
  const watches = new Set<() => void>();
  const track = (stop: () => void) => {
    watches.add(stop);
    return () => watches.delete(stop);
  };

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://emulator');
    const route = parseRoute(url.pathname);
    const clusterName = route?.cluster ?? DEFAULT_CLUSTER;
    const prefix = `/clusters/${clusterName}`;
    const path = url.pathname.startsWith(`${prefix}/`)
      ? url.pathname.slice(prefix.length)
      : url.pathname;
    const record: RecordedRequest = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      contentType: req.headers['content-type'],
      cluster: clusterName,
      body: undefined,
      status: 0,
    };
    requests.push(record);
    let status = 200;
    let body: unknown;
    try {
      record.body = await readBody(req);
      const injected = faults.take(method, path, clusterName);
      if (injected) {
        record.injected = true;
        throw injected;
      }
      const answer = serveRequest({
        req,
        res,
        method,
        path,
        url,
        route,
        cluster: cluster(clusterName),
        body: record.body,
        access,
        onUser: (user) => {
          record.user = { username: user.username, groups: [...user.groups] };
        },
        watch: { bookmarkMs: options.bookmarkMs ?? 1000, track },
      });
      if (!answer) {
        record.status = 200;
        return;
      }
      status = answer.status;
      body = answer.body;
    } catch (error) {
      const kubeError =
        error instanceof KubeError
          ? error
          : new KubeError(500, `Internal error occurred: ${String(error)}`);
      status = kubeError.code;
      body = kubeError.body;
      if (kubeError.unexpected && !record.injected) unexpected.push(record);
    }
    record.status = status;
    send(res, status, body);
  }

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    serve(req, res).catch((error) => send(res, 500, new KubeError(500, String(error)).body));
  };
  const server = options.tls ? createTlsServer(selfSignedCert(), handler) : createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;

  const tick = (count = 1) => {
    for (let i = 0; i < count; i++) {
      clock.advance(tickMs * timeScale);
      for (const c of clusters.values()) c.reconcile();
    }
  };
  const errors: Error[] = [];
  const autoTick = () => {
    try {
      tick();
    } catch (error) {
      errors.push(error instanceof Error ? error : new Error(String(error)));
    }
  };
  const timer = options.autoTick === false ? undefined : setInterval(autoTick, tickMs);
  timer?.unref();

  const assertNoUnexpected = () => {
    if (errors.length > 0) throw new Error(`kube emulator: controller failed: ${errors[0]?.stack}`);
    if (unexpected.length === 0) return;
    const lines = unexpected.map((r) => `${r.method} ${r.path} → ${r.status}`);
    throw new Error(
      `kube emulator: ${unexpected.length} unexpected request(s):\n${lines.join('\n')}`,
    );
  };

  return {
    url,
    requests,
    unexpected,
    errors,
    serverFor: (name = DEFAULT_CLUSTER) =>
      name === DEFAULT_CLUSTER ? url : `${url}/clusters/${encodeURIComponent(name)}`,
    cluster,
    tick,
    advanceTime: (ms) => clock.advance(ms),
    failNext: (count, fault) => faults.failNext(count, fault),
    seed: (objects, name) => cluster(name).seed(objects),
    get: (kind, namespace, name, clusterName) => cluster(clusterName).get(kind, namespace, name),
    list: (kind, namespace, clusterName) => cluster(clusterName).list(kind, namespace),
    assertNoUnexpected,
    async close() {
      if (timer) clearInterval(timer);
      for (const stop of [...watches]) stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (options.strict ?? true) assertNoUnexpected();
    },
  };
}
