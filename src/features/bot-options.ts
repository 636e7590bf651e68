import type { KubeConfig } from '@kubernetes/client-node';
import type { Settings } from '../config/env.ts';
import type { LoadedConfig } from '../config/load-config.ts';
import type { VerificationOptions } from '../deploys/verification.ts';
import type { RunEngineOptions } from '../runs/create-run-engine.ts';
import type { Migration } from '../store/migrate.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import type { TriageFeatureOptions } from './triage-feature.ts';
import type { FeatureFactory } from './types.ts';

/** Everything createBot is built from: the one options type of the composition. */
export interface BotOptions {
  settings: Settings;
  config: LoadedConfig;
  log: Logger;
  metrics?: Metrics;
  /** Known Slack bot ids skip the auth.test call at start (emulators, tests). */
  botId?: string;
  botUserId?: string;
  /** Web API client retries (tests: 0). */
  clientRetries?: number;
  /** The clusters actions reach; main.ts loads it from KUBECONFIG. Absent: no cluster at all. */
  kubeConfig?: KubeConfig;
  /** Time as the engine and policy see it (tests move it). Default: the system clock. */
  clock?: () => Date;
  /** This process among those sharing the database. Default: hostname:pid:random. */
  ownerId?: string;
  /** Engine tuning (tests shorten verify, heartbeat, progress intervals). */
  runs?: Partial<
    Pick<
      RunEngineOptions,
      'revertWindowMs' | 'verifyTimeoutMs' | 'heartbeatMs' | 'staleAfterMs' | 'progressIntervalMs'
    >
  >;
  /** The verification window after deploys and rollbacks (tests shorten the interval). */
  verification?: Partial<
    Pick<
      VerificationOptions,
      'intervalMs' | 'required' | 'maxIntervals' | 'decisionTimeoutMs' | 'canaryPollMs'
    >
  >;
  /** How often finished days' ledger roots are signed (main.ts: hourly, and at start). Absent: never. */
  signRootsEveryMs?: number;
  /** How often runs whose approval window passed are expired. Default 30 s. */
  expireEveryMs?: number;
  /**
   * With PostgreSQL: how often to sweep for runs whose owner's heartbeat went stale (another
   * bot died). Default 5 s.
   */
  recoverEveryMs?: number;
  /** At most one progress edit of a run's message per this interval. Default 1 s. */
  messageUpdateMs?: number;
  /**
   * Leases of background work among bots sharing a PostgreSQL: how long one lasts unrenewed
   * (default 15 s) and how often it is renewed (default ttl / 3). A dead holder's work moves
   * to a live bot within about ttl + renew.
   */
  leases?: { ttlMs?: number; renewEveryMs?: number };
  /** How long stop() waits for executing runs before closing the store. Default 30 s. */
  stopGraceMs?: number;
  /** Triage tuning (tests shorten the inbox poll and the per-channel post interval). */
  triage?: TriageFeatureOptions;
  /** The embedded store lost its data dir to another writer (main.ts exits). */
  onStoreLost?: (reason: string) => void;
  /** The schema migrations this release knows (tests start a "newer" release). Default: its own. */
  migrations?: Migration[];
  /** Features mounted after the built-in ones (the sandbox adds its own). */
  features?: FeatureFactory[];
}
