import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { createBuiltinActionRegistry } from '../actions/builtin-actions.ts';
import type { ActionContext } from '../actions/types.ts';
import { createAlertmanagerClient } from '../adapters/alertmanager/create-alertmanager-client.ts';
import { createPagerDutyClient } from '../adapters/pagerduty/client.ts';
import { createPrometheusClient } from '../adapters/prometheus/create-prometheus-client.ts';
import { createDeployLog } from '../deploys/deploy-log.ts';
import { liveImageReader } from '../deploys/live-image.ts';
import { changeLogObserver } from '../deploys/record-run-changes.ts';
import { createVerification } from '../deploys/verification.ts';
import { pausedRunAdopter } from '../deploys/verification-adopt.ts';
import { createPauseStore } from '../deploys/verification-pauses.ts';
import type { KubeIdentity } from '../domain/catalog/schema.ts';
import { createRoleDirectory } from '../domain/policy/index.ts';
import { createRunEngine } from '../runs/create-run-engine.ts';
import type { Actor } from '../runs/types.ts';
import { createRunMessages } from '../slack/runs/run-messages.ts';
import { slackGroupMembers } from '../slack/runs/slack-group-members.ts';
import { createSlackClient } from '../slack/web-client.ts';
import type { BotOptions } from './bot-options.ts';
import type { BotParts } from './types.ts';

/** What createBot opens before the parts: the store and the records kept in it, the clusters. */
export type BaseParts = Pick<
  BotParts,
  'metrics' | 'clock' | 'store' | 'ledger' | 'evidence' | 'kube' | 'leases'
>;

/**
 * The clients the settings configure (Kubernetes, Prometheus, PagerDuty, Alertmanager, Slack),
 * the action registry and context, the role directory over the catalog and Slack user groups,
 * the deploy log, the verification window, and the run engine; built in dependency order, then
 * the engine's observers (change log, plan messages, adoption of paused runs) subscribe.
 */
export function buildBotParts(options: BotOptions, base: BaseParts): BotParts {
  const { settings, config, log } = options;
  const { clock, store, ledger, evidence, metrics, kube, leases } = base;
  const { catalog, commands } = config;
  const env = settings.env;
  const newSlackClient = (client: { rejectRateLimitedCalls?: boolean } = {}) =>
    createSlackClient({
      botToken: env.SLACK_BOT_TOKEN ?? '',
      ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}),
      ...(options.clientRetries !== undefined ? { retries: options.clientRetries } : {}),
      ...client,
      log,
    });
  const slackClient = newSlackClient();
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
  const actionContext = (actor: Actor, as?: KubeIdentity): ActionContext => ({
    catalog,
    // Where the environment impersonates, every call of the run acts as the person.
    kube: as ? kube.impersonate(as) : kube,
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
    catalog,
    ...(prometheus ? { prometheus } : {}),
    deployLog,
    log,
    ...options.verification,
  });
  const engine = createRunEngine({
    db: store.db,
    ledger,
    evidence,
    actions,
    actionContext,
    catalog,
    commands,
    playbooks: config.playbooks,
    roles,
    clock,
    log,
    // A random instance id per process start: never a PID, which every container's bot shares.
    ownerId: options.ownerId ?? `${os.hostname()}:${randomBytes(8).toString('hex')}`,
    // PGlite's data-dir lock makes the store this process's alone: recover at once on start.
    exclusiveStore: !env.DATABASE_URL,
    ...options.runs,
    afterSteps: verification,
  });
  const runMessages = createRunMessages({
    client: slackClient,
    catalog,
    attach: (runId, message) => engine.attachMessage(runId, message),
    get: (runId) => engine.get(runId),
    log,
    metrics,
    clock,
    ...(options.messageUpdateMs !== undefined ? { minUpdateMs: options.messageUpdateMs } : {}),
  });
  // Told in this order for each change: the change log, the run's message, then adoption.
  engine.subscribe(
    changeLogObserver({ deployLog, catalog, liveImage: liveImageReader(catalog, kube), log }),
  );
  engine.subscribe(runMessages.observer);
  engine.subscribe(pausedRunAdopter({ pauses, engine, log }));
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
    leases,
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
