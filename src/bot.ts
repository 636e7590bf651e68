import type { Settings } from './config/env.ts';
import type { LoadedConfig } from './config/load-config.ts';
import { evidenceRoutes } from './evidence/http/evidence-routes.ts';
import { createLedger, type Ledger } from './evidence/ledger/create-ledger.ts';
import { createEvidence, type Evidence } from './evidence/record-evidence.ts';
import { loadOrCreateSigningKey } from './evidence/signing/signing-key.ts';
import type { ReadinessReport } from './http/ops-routes.ts';
import type { HttpRoute } from './http/route.ts';
import { createSlackApp, type SlackApp } from './slack/create-slack-app.ts';
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
}

/** The running bot's parts, for the composition root, the sandbox and end-to-end tests. */
export interface Bot {
  store: Store;
  ledger: Ledger;
  evidence: Evidence;
  slack: SlackApp;
  metrics: Metrics;
  start(port: number, host?: string): Promise<{ port: number }>;
  stop(): Promise<void>;
}

/**
 * Builds the bot from validated settings and config: store (migrated), signing key, ledger,
 * evidence, and the Slack app with its HTTP routes. Nothing listens until start().
 */
export async function createBot(options: BotOptions): Promise<Bot> {
  const { settings, log } = options;
  const env = settings.env;
  const metrics = options.metrics ?? createMetrics();
  const store = await openStore({
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    dataDir: settings.dataDir,
    log,
  });
  try {
    const key = await loadOrCreateSigningKey({
      ...(env.MC_SIGNING_KEY ? { keyPath: env.MC_SIGNING_KEY } : {}),
      dataDir: settings.dataDir,
      log,
    });
    const ledger = createLedger(store.db, { log });
    const evidence = createEvidence({ db: store.db, ledger, key, publicUrl: settings.publicUrl });
    const routes: HttpRoute[] = evidenceRoutes({
      evidence,
      publicKeyPem: key.publicKeyPem,
      keyHint: key.hint,
      publicUrl: settings.publicUrl,
      log,
    });
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
      extraRoutes: routes,
    });
    return {
      store,
      ledger,
      evidence,
      slack,
      metrics,
      start: (port, host) => slack.start(port, host),
      async stop() {
        await slack.stop();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
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
