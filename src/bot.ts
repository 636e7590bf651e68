import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { KubeConfig } from '@kubernetes/client-node';
import { createBuiltinActionRegistry } from './actions/builtin-actions.ts';
import type { ActionContext } from './actions/types.ts';
import { createAlertmanagerClient } from './adapters/alertmanager/create-alertmanager-client.ts';
import { createKubeClients } from './adapters/kubernetes/create-kube-clients.ts';
import { createPagerDutyClient } from './adapters/pagerduty/client.ts';
import { createPrometheusClient } from './adapters/prometheus/create-prometheus-client.ts';
import type { Settings } from './config/env.ts';
import type { LoadedConfig } from './config/load-config.ts';
import { createDeployLog } from './deploys/deploy-log.ts';
import { revisionHistory } from './deploys/revision-history.ts';
import { createRoleDirectory } from './domain/policy/index.ts';
import { evidenceRoutes } from './evidence/http/evidence-routes.ts';
import { createLedger, type Ledger } from './evidence/ledger/create-ledger.ts';
import { createEvidence, type Evidence } from './evidence/record-evidence.ts';
import { loadOrCreateSigningKey } from './evidence/signing/signing-key.ts';
import type { ReadinessReport } from './http/ops-routes.ts';
import type { HttpRoute } from './http/route.ts';
import { createRunEngine, type RunEngineOptions } from './runs/create-run-engine.ts';
import type { Actor, RunEngine } from './runs/types.ts';
import { createVerification, type VerificationOptions } from './runs/verification.ts';
import { createDeployCommand } from './slack/commands/deploy.ts';
import { createRollbackCommand } from './slack/commands/rollback.ts';
import { createStatusCommand } from './slack/commands/status.ts';
import { createSlackApp, type SlackApp } from './slack/create-slack-app.ts';
import { createRunActionHandlers } from './slack/runs/run-action-handlers.ts';
import { createRunMessages, type RunMessages } from './slack/runs/run-messages.ts';
import { slackGroupMembers } from './slack/runs/slack-group-members.ts';
import { createVerificationActionHandlers } from './slack/runs/verification-action-handlers.ts';
import { createSlackClient } from './slack/web-client.ts';
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
    Pick<VerificationOptions, 'intervalMs' | 'required' | 'maxIntervals' | 'decisionTimeoutMs'>
  >;
  /** How often runs whose approval window passed are expired. Default 30 s. */
  expireEveryMs?: number;
  /** At most one progress edit of a run's message per this interval. Default 1 s. */
  messageUpdateMs?: number;
  /** How long stop() waits for executing runs before closing the store. Default 30 s. */
  stopGraceMs?: number;
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
  /** Listens; then posts runs a dead owner left executing as interrupted, and starts expiring stale runs. */
  start(port: number, host?: string): Promise<{ port: number }>;
  stop(): Promise<void>;
}

/**
 * Builds the bot from validated settings and config: store (migrated), signing key, ledger,
 * evidence, the run engine with its Slack messages and handlers, and the Slack app with its
 * HTTP routes. Nothing listens until start().
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
    const clock = options.clock ?? (() => new Date());
    const slackClient = createSlackClient({
      botToken: env.SLACK_BOT_TOKEN ?? '',
      ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}),
      ...(options.clientRetries !== undefined ? { retries: options.clientRetries } : {}),
      log,
    });
    const runs = buildRuns(options, { store, ledger, evidence, metrics, clock, slackClient });
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
      handlers: runs.handlers,
      actionHandlers: runs.actionHandlers,
    });
    const { engine, runMessages } = runs;
    let expiry: NodeJS.Timeout | undefined;
    return {
      store,
      ledger,
      evidence,
      slack,
      metrics,
      engine,
      runMessages,
      async start(port, host) {
        const bound = await slack.start(port, host);
        const interrupted = await engine.recoverInterrupted();
        if (interrupted.length > 0) {
          log.warn({ runs: interrupted.map((v) => v.run.id) }, 'interrupted runs posted');
        }
        expiry = setInterval(() => {
          engine.expireStale().catch((error: unknown) => {
            log.error({ err: error }, 'expiring stale runs failed');
          });
        }, options.expireEveryMs ?? 30_000);
        expiry.unref();
        return bound;
      },
      async stop() {
        clearInterval(expiry);
        await slack.stop();
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

/**
 * The run engine and its Slack side: kube clients and action context, the role directory over
 * the catalog and Slack user groups, the engine (observed by the plan messages), the
 * `/mc rollback` handler and the run buttons' handlers.
 */
function buildRuns(
  options: BotOptions,
  parts: {
    store: Store;
    ledger: Ledger;
    evidence: Evidence;
    metrics: Metrics;
    clock: () => Date;
    slackClient: ReturnType<typeof createSlackClient>;
  },
) {
  const { log, config } = options;
  const { catalog, commands } = config;
  const { clock, slackClient } = parts;
  const kube = createKubeClients(options.kubeConfig ?? new KubeConfig());
  const actions = createBuiltinActionRegistry();
  const env = options.settings.env;
  const pagerduty = env.PAGERDUTY_TOKEN
    ? createPagerDutyClient({
        token: env.PAGERDUTY_TOKEN,
        apiUrl: env.PAGERDUTY_API_URL,
        ...(env.PAGERDUTY_FROM ? { from: env.PAGERDUTY_FROM } : {}),
        log,
      })
    : undefined;
  const alertmanager = env.ALERTMANAGER_URL
    ? createAlertmanagerClient({ url: env.ALERTMANAGER_URL, timeoutMs: 5_000, log })
    : undefined;
  const actionContext = (actor: Actor): ActionContext => ({
    catalog,
    kube,
    ...(pagerduty ? { pagerduty } : {}),
    ...(alertmanager ? { alertmanager } : {}),
    log,
    now: clock,
    sleep: (ms, signal) => delay(ms, undefined, signal ? { signal } : {}),
    actor: actor.id,
  });
  const groupMembers = slackGroupMembers(slackClient);
  const url = options.settings.env.PROMETHEUS_URL;
  const prometheus = url ? createPrometheusClient({ url, timeoutMs: 5_000, log }) : undefined;
  const deployLog = createDeployLog({ db: parts.store.db, ledger: parts.ledger, clock });
  const verification = createVerification({
    catalog,
    ...(prometheus ? { prometheus } : {}),
    deployLog,
    log,
    ...options.verification,
  });
  const roles = createRoleDirectory({ catalog, groupMembers, now: clock });
  let engine: RunEngine | undefined;
  const ready = () => {
    if (!engine) throw new Error('run engine used before it was built');
    return engine;
  };
  const runMessages = createRunMessages({
    client: slackClient,
    catalog,
    attach: (runId, message) => ready().attachMessage(runId, message),
    get: (runId) => ready().get(runId),
    log,
    metrics: parts.metrics,
    clock,
    ...(options.messageUpdateMs !== undefined ? { minUpdateMs: options.messageUpdateMs } : {}),
  });
  engine = createRunEngine({
    db: parts.store.db,
    ledger: parts.ledger,
    evidence: parts.evidence,
    actions,
    actionContext,
    catalog,
    commands,
    roles,
    observer: runMessages.observer,
    clock,
    log,
    ownerId: options.ownerId ?? `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
    ...options.runs,
    afterSteps: verification,
  });
  const rollback = createRollbackCommand({
    engine,
    messages: runMessages,
    actions,
    actionContext,
    roles,
    history: async (service, env) =>
      (await revisionHistory({ catalog, kube, deployLog, service, env, now: clock() })).text,
  });
  const actionHandlers = createRunActionHandlers({
    engine,
    client: slackClient,
    catalog,
    groupMembers,
    log,
    metrics: parts.metrics,
  });
  const deploy = createDeployCommand({
    engine,
    messages: runMessages,
    actions,
    actionContext,
    roles,
    ledger: parts.ledger,
    clock,
  });
  const status = createStatusCommand({
    kube,
    engine,
    deployLog,
    clock,
    ...(prometheus ? { prometheus } : {}),
  });
  Object.assign(
    actionHandlers,
    createVerificationActionHandlers({ verification, client: slackClient }),
  );
  return { engine, runMessages, handlers: { rollback, deploy, status }, actionHandlers };
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
