import { fileURLToPath } from 'node:url';
import { type Child, startEntry, waitForLine } from './main-process.ts';
import type { ReplicaTimings } from './replica-process.ts';

const ENTRY = fileURLToPath(new URL('./replica-process.ts', import.meta.url));

/** One bot process of the set. */
export interface Replica {
  index: number;
  ownerId: string;
  url: string;
  child: Child;
  /** False once it was killed or exited. */
  alive(): boolean;
}

export interface ReplicaSet {
  readonly replicas: Replica[];
  /** Base URLs of every replica, live or not, in index order (the proxy's upstreams). */
  urls(): string[];
  /** The replica whose owner id this is. */
  byOwner(ownerId: string): Replica;
  /** SIGKILL: no drain, no release of anything it holds, as when its node dies. */
  kill(replica: Replica): Promise<void>;
  /** Every JSON log line of a replica, parsed. */
  logs(replica: Replica): Record<string, unknown>[];
  /** SIGTERM to the live ones, then SIGKILL to any still running. */
  stop(): Promise<void>;
}

/**
 * Starts `count` bot processes (test/support/replica-process.ts) with one environment (one
 * database, one Slack, one cluster) and owner ids `replica-1`…, and waits until every one
 * listens. Each child's output is kept; a replica that fails to start fails with its output.
 */
export async function startReplicaSet(options: {
  count: number;
  env: Record<string, string>;
  timings: Omit<ReplicaTimings, 'ownerId'>;
  /** Per replica (each its own data dir, as each pod has its own volume). */
  envOf(index: number): Record<string, string>;
}): Promise<ReplicaSet> {
  const children = Array.from({ length: options.count }, (_, index) => {
    const ownerId = `replica-${index + 1}`;
    const timings: ReplicaTimings = { ...options.timings, ownerId };
    const child = startEntry(ENTRY, {
      ...options.env,
      ...options.envOf(index),
      MC_REPLICA_OPTIONS: JSON.stringify(timings),
    });
    return { index, ownerId, child };
  });
  const replicas: Replica[] = [];
  try {
    for (const { index, ownerId, child } of children) {
      const line = JSON.parse(await waitForLine(child, /"replica started"/, 90_000));
      replicas.push({
        index,
        ownerId,
        child,
        url: `http://127.0.0.1:${line.port}`,
        alive: () => child.process.exitCode === null && child.process.signalCode === null,
      });
    }
  } catch (error) {
    for (const { child } of children) child.process.kill('SIGKILL');
    throw error;
  }
  return {
    replicas,
    urls: () => replicas.map((r) => r.url),
    byOwner(ownerId) {
      const found = replicas.find((r) => r.ownerId === ownerId);
      if (!found) throw new Error(`no replica has owner id ${ownerId}`);
      return found;
    },
    async kill(replica) {
      replica.child.process.kill('SIGKILL');
      await replica.child.exited;
    },
    logs: (replica) =>
      replica.child
        .stdout()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    async stop() {
      const live = replicas.filter((r) => r.alive());
      for (const r of live) r.child.process.kill('SIGTERM');
      const timeout = new Promise((resolve) => setTimeout(resolve, 15_000, 'timeout'));
      for (const r of live) {
        if ((await Promise.race([r.child.exited, timeout])) === 'timeout') {
          r.child.process.kill('SIGKILL');
          await r.child.exited;
        }
      }
    },
  };
}
