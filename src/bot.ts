import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import type { KubeConfig } from '@kubernetes/client-node';
import { kubeClientsFor } from './adapters/kubernetes/load-kube-clients.ts';
import type { Settings } from './config/env.ts';
import type { LoadedConfig } from './config/load-config.ts';
import type { VerificationOptions } from './deploys/verification.ts';
import { evidenceRoutes } from './evidence/http/evidence-routes.ts';
import { createLedger, type Ledger } from './evidence/ledger/create-ledger.ts';
import { recordMissingRoots } from './evidence/ledger/signed-roots.ts';
import { createEvidence, type Evidence } from './evidence/record-evidence.ts';
import { loadOrCreateSigningKey } from './evidence/signing/signing-key.ts';
import { buildBotParts } from './features/bot-parts.ts';
import { doraFeature } from './features/dora-feature.ts';
import { drillsFeature } from './features/drills-feature.ts';
import { gatesFeature } from './features/gates-feature.ts';
import { runsFeature } from './features/runs-feature.ts';
import { type TriageFeatureOptions, triageFeature } from './features/triage-feature.ts';
import type { BotParts, Feature, FeatureFactory } from './features/types.ts';
import { EDGE_VERBS, registerVerbs } from './features/verb-registry.ts';
import type { ReadinessReport } from './http/ops-routes.ts';
import type { RunEngineOptions } from './runs/create-run-engine.ts';
import type { RunEngine } from './runs/types.ts';
import { createSlackApp, type SlackApp } from './slack/create-slack-app.ts';
import { createDisplayNames } from './slack/display-names.ts';
import type { ActionHandler } from './slack/listeners/action-listener.ts';
import type { RunMessages } from './slack/runs/run-messages.ts';
import { createLeaseKeeper } from './store/lease-keeper.ts';
import { createLeases } from './store/leases.ts';
import type { Migration } from './store/migrate.ts';
import { openStore, type Store } from './store/open-store.ts';
import { createRequestDedupe } from './store/request-dedupe.ts';
import type { Logger } from './telemetry/logger.ts';
import { createMetrics, type Metrics } from './telemetry/metrics.ts';

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

/** The running bot's parts, for the composition root, the sandbox and end-to-end tests. */
export interface Bot {
  store: Store;
  ledger: Ledger;
  evidence: Evidence;
  slack: SlackApp;
  metrics: Metrics;
  engine: RunEngine;
  runMessages: RunMessages;
  /** Everything features are built from (the sandbox and tests reach the clients here). */
  parts: BotParts;
  /** The action ids of every button the bot answers (the entry-point test enumerates them). */
  buttons: string[];
  /** Every `/mc` verb the bot answers (each with its `commands/<verb>.yml`). */
  verbs: string[];
  /** Listens; then posts runs a dead owner left executing as interrupted, and starts expiring stale runs. */
  start(port: number, host?: string): Promise<{ port: number }>;
  stop(): Promise<void>;
}

/**
 * Builds the bot from validated settings and config: store (migrated), signing key, ledger,
 * evidence, the shared parts (clients, run engine, Slack run messages), then every feature
 * (runs, triage, gates, drills) mounted on one Slack app. Nothing listens until start().
 */
export async function createBot(options: BotOptions): Promise<Bot> {
  const { settings, log } = options;
  const env = settings.env;
  const metrics = options.metrics ?? createMetrics();
  const store = await openStore({
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    dataDir: settings.dataDir,
    log,
    ...(options.onStoreLost ? { onLost: options.onStoreLost } : {}),
    ...(options.migrations ? { migrations: options.migrations } : {}),
  });
  try {
    const key = await loadOrCreateSigningKey({
      ...(env.MC_SIGNING_KEY ? { keyPath: env.MC_SIGNING_KEY } : {}),
      dataDir: settings.dataDir,
      log,
    });
    const ledger = createLedger(store.db, { log });
    const evidence = createEvidence({ db: store.db, ledger, key, publicUrl: settings.publicUrl });
    // A random instance id per process start: never a PID, which every container's bot shares.
    const ownerId = options.ownerId ?? `${os.hostname()}:${randomBytes(8).toString('hex')}`;
    const leases = createLeaseKeeper({
      leases: createLeases(store.db, {
        holder: ownerId,
        // PGlite's data-dir lock makes this process the only one: every lease is its own.
        exclusive: !env.DATABASE_URL,
        ...(options.leases?.ttlMs !== undefined ? { ttlMs: options.leases.ttlMs } : {}),
      }),
      log,
      ...(options.leases?.renewEveryMs !== undefined
        ? { renewEveryMs: options.leases.renewEveryMs }
        : {}),
    });
    const built = buildBotParts({
      settings,
      config: options.config,
      log,
      metrics,
      clock: options.clock ?? (() => new Date()),
      store,
      ledger,
      evidence,
      kube: await kubeClientsFor(options.kubeConfig),
      clientRetries: options.clientRetries,
      ownerId,
      // PGlite's data-dir lock makes the store this process's alone: recover at once on start.
      runs: { exclusiveStore: !env.DATABASE_URL, ...options.runs },
      verification: options.verification,
      messageUpdateMs: options.messageUpdateMs,
    });
    const parts: BotParts = { ...built, leases };
    const features = [
      runsFeature,
      triageFeature(options.triage),
      gatesFeature,
      drillsFeature,
      doraFeature,
      ...(options.features ?? []),
    ].map((build) => build(parts));
    const buttons = mergeActionHandlers(features);
    const verbs = registerVerbs({ features, specs: options.config.commands.keys() });
    const slack = createSlackApp({
      botToken: env.SLACK_BOT_TOKEN ?? '',
      ...(env.SLACK_SIGNING_SECRET ? { signingSecret: env.SLACK_SIGNING_SECRET } : {}),
      ...(env.SLACK_APP_TOKEN ? { appToken: env.SLACK_APP_TOKEN } : {}),
      ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}),
      ...(options.botId ? { botId: options.botId } : {}),
      ...(options.botUserId ? { botUserId: options.botUserId } : {}),
      ...(options.clientRetries !== undefined ? { clientRetries: options.clientRetries } : {}),
      config: options.config,
      log,
      metrics,
      dedupe: createRequestDedupe(store.db),
      readiness: () => storeReadiness(store),
      extraRoutes: [
        ...evidenceRoutes({
          evidence,
          publicKeyPem: key.publicKeyPem,
          keyHint: key.hint,
          publicUrl: settings.publicUrl,
          log,
          displayName: createDisplayNames(() => slack.client),
        }),
        ...features.flatMap((f) => f.routes ?? []),
      ],
      handlers: verbs,
      actionHandlers: buttons,
    });
    const { engine, runMessages } = parts;
    const clock = options.clock ?? (() => new Date());
    const started: Feature[] = [];
    return {
      store,
      ledger,
      evidence,
      slack,
      metrics,
      engine,
      runMessages,
      parts,
      buttons: Object.keys(buttons),
      verbs: [...EDGE_VERBS, ...Object.keys(verbs)].sort(),
      async start(port, host) {
        const bound = await slack.start(port, host);
        const interrupted = await engine.recoverInterrupted();
        if (interrupted.length > 0) {
          log.warn({ runs: interrupted.map((v) => v.run.id) }, 'interrupted runs posted');
        }
        for (const feature of features) {
          await feature.start?.();
          started.push(feature);
        }
        // Each job runs on the one bot holding its lease (every job, with the embedded store).
        leases.job('runs.expire-stale', {
          everyMs: options.expireEveryMs ?? 30_000,
          run: () => engine.expireStale(),
        });
        if (env.DATABASE_URL) {
          // A shared database: another bot may die at any time; its runs are found by this sweep.
          leases.job('runs.recover-interrupted', {
            everyMs: options.recoverEveryMs ?? 5_000,
            run: async () => {
              const runs = await engine.recoverInterrupted();
              if (runs.length > 0)
                log.warn({ runs: runs.map((v) => v.run.id) }, 'interrupted runs posted');
            },
          });
        }
        // Each finished UTC day's Merkle root is signed: the anchor `mc ledger verify` checks.
        if (options.signRootsEveryMs) {
          leases.job('ledger.daily-roots', {
            everyMs: options.signRootsEveryMs,
            run: () => recordMissingRoots({ db: store.db, ledger, evidence, now: clock(), log }),
          });
        }
        await leases.start();
        return bound;
      },
      async stop() {
        await slack.stop();
        await leases.stop();
        for (const feature of started.reverse()) {
          try {
            await feature.stop?.();
          } catch (error) {
            log.error({ err: error, feature: feature.name }, 'stopping a feature failed');
          }
        }
        const grace = delay(options.stopGraceMs ?? 30_000, undefined, { ref: false });
        await Promise.race([engine.idle().then(() => runMessages.idle()), grace]);
        runMessages.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** Every feature's button handlers; two features claiming one action id is a wiring bug. */
function mergeActionHandlers(features: Feature[]): Record<string, ActionHandler> {
  const merged: Record<string, ActionHandler> = {};
  const owner = new Map<string, string>();
  for (const feature of features) {
    for (const [id, handler] of Object.entries(feature.actionHandlers ?? {})) {
      const first = owner.get(id);
      if (first) throw new Error(`action ${id} is claimed by both ${first} and ${feature.name}`);
      owner.set(id, feature.name);
      merged[id] = handler;
    }
  }
  return merged;
}

async function storeReadiness(store: Store): Promise<ReadinessReport> {
  try {
    await store.db.ping();
    return { ready: true, checks: { store: `ok (${store.db.kind})` } };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ready: false, checks: { store: `unreachable: ${reason}` } };
  }
}
