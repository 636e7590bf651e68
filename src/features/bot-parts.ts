import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { createBuiltinActionRegistry } from '../actions/builtin-actions.ts';
import type { ActionContext } from '../actions/types.ts';
import { createAlertmanagerClient } from '../adapters/alertmanager/create-alertmanager-client.ts';
import type { KubeClients } from '../adapters/kubernetes/create-kube-clients.ts';
import { createPagerDutyClient } from '../adapters/pagerduty/client.ts';
import { createPrometheusClient } from '../adapters/prometheus/create-prometheus-client.ts';
import type { Settings } from '../config/env.ts';
import type { LoadedConfig } from '../config/load-config.ts';
import { createDeployLog } from '../deploys/deploy-log.ts';
import { liveImageReader } from '../deploys/live-image.ts';
import { withChangeLog } from '../deploys/record-run-changes.ts';
import { createVerification, type VerificationOptions } from '../deploys/verification.ts';
import { adoptPausedRuns } from '../deploys/verification-adopt.ts';
import { createPauseStore } from '../deploys/verification-pauses.ts';
import { createRoleDirectory } from '../domain/policy/index.ts';
import type { Ledger } from '../evidence/ledger/create-ledger.ts';
import type { Evidence } from '../evidence/record-evidence.ts';
import { createRunEngine, type RunEngineOptions } from '../runs/create-run-engine.ts';
import type { Actor, RunEngine } from '../runs/types.ts';
import { createRunMessages } from '../slack/runs/run-messages.ts';
import { slackGroupMembers } from '../slack/runs/slack-group-members.ts';
import { createSlackClient } from '../slack/web-client.ts';
import type { Store } from '../store/open-store.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import type { BotParts } from './types.ts';

/** What the composition root already has when the parts are built. */
export interface PartsInput {
  settings: Settings;
  config: LoadedConfig;
  log: Logger;
  metrics: Metrics;
  clock: () => Date;
  store: Store;
  ledger: Ledger;
  evidence: Evidence;
  /** Cluster clients (see kubeClientsFor): client-node loads only when a kubeconfig exists. */
  kube: KubeClients;
  clientRetries?: number | undefined;
  ownerId?: string | undefined;
  runs?: Partial<RunEngineOptions> | undefined;
  verification?:
    | Partial<
        Pick<
          VerificationOptions,
          'intervalMs' | 'required' | 'maxIntervals' | 'decisionTimeoutMs' | 'canaryPollMs'
        >
      >
    | undefined;
  messageUpdateMs?: number | undefined;
}

/**
 * The clients the settings configure (Kubernetes, Prometheus, PagerDuty, Alertmanager, Slack),
 * the action registry and context, the role directory over the catalog and Slack user groups,
 * the deploy log, the verification window, and the run engine observed by the plan messages.
 */
export function buildBotParts(input: PartsInput): Omit<BotParts, 'leases'> {
  const { settings, config, log, clock, store, ledger, evidence, metrics } = input;
  const { catalog, commands } = config;
  const env = settings.env;
  const newSlackClient = (options: { rejectRateLimitedCalls?: boolean } = {}) =>
    createSlackClient({
      botToken: env.SLACK_BOT_TOKEN ?? '',
      ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}),
      ...(input.clientRetries !== undefined ? { retries: input.clientRetries } : {}),
      ...options,
      log,
    });
  const slackClient = newSlackClient();
  const { kube } = input;
  const actions = createBuiltinActionRegistry();
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
  const prometheus = env.PROMETHEUS_URL
    ? createPrometheusClient({ url: env.PROMETHEUS_URL, timeoutMs: 5_000, log })
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
  const deployLog = createDeployLog({ db: store.db, ledger, clock });
  const pauses = createPauseStore(store.db);
  const roles = createRoleDirectory({ catalog, groupMembers, now: clock });
  const verification = createVerification({
    pauses,
    clock,
    actions,
    // The engine decides from the policy stored on the run (the effective one).
    mayDecideCanary: async (run, actorId, decision) => {
      const allowed = await ready().authorize(run.id, { id: actorId }, decision);
      return allowed.ok ? undefined : allowed.message;
    },
    // Built below; called only once runs execute.
    announce: (runId, line) => runMessages.note(runId, line),
    catalog,
    ...(prometheus ? { prometheus } : {}),
    deployLog,
    log,
    ...input.verification,
  });
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
    metrics,
    clock,
    ...(input.messageUpdateMs !== undefined ? { minUpdateMs: input.messageUpdateMs } : {}),
  });
  engine = createRunEngine({
    db: store.db,
    ledger,
    evidence,
    actions,
    actionContext,
    catalog,
    commands,
    playbooks: input.config.playbooks,
    roles,
    observer: adoptPausedRuns(
      withChangeLog(runMessages.observer, {
        deployLog,
        catalog,
        liveImage: liveImageReader(catalog, kube),
        log,
      }),
      {
        pauses,
        engine: ready,
        log,
      },
    ),
    clock,
    log,
    // A random instance id per process start: never a PID, which every container's bot shares.
    ownerId: input.ownerId ?? `${os.hostname()}:${randomBytes(8).toString('hex')}`,
    ...input.runs,
    afterSteps: verification,
  });
  return {
    settings,
    config,
    log,
    metrics,
    clock,
    store,
    ledger,
    evidence,
    slackClient,
    newSlackClient,
    kube,
    actions,
    actionContext,
    roles,
    groupMembers,
    engine,
    runMessages,
    deployLog,
    verification,
    prometheus,
    pagerduty,
    alertmanager,
  };
}
