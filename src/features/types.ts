import type { ActionRegistry } from '../actions/registry.ts';
import type { ActionContext } from '../actions/types.ts';
import type { AlertmanagerClient } from '../adapters/alertmanager/create-alertmanager-client.ts';
import type { KubeClients } from '../adapters/kubernetes/create-kube-clients.ts';
import type { PagerDuty } from '../adapters/pagerduty/client.ts';
import type { PrometheusClient } from '../adapters/prometheus/create-prometheus-client.ts';
import type { Settings } from '../config/env.ts';
import type { LoadedConfig } from '../config/load-config.ts';
import type { DeployLog } from '../deploys/deploy-log.ts';
import type { Verification } from '../deploys/verification.ts';
import type { RoleDirectory } from '../domain/policy/index.ts';
import type { Ledger } from '../evidence/ledger/create-ledger.ts';
import type { Evidence } from '../evidence/record-evidence.ts';
import type { HttpRoute } from '../http/route.ts';
import type { Actor, RunEngine } from '../runs/types.ts';
import type { CommandHandlers } from '../slack/commands/types.ts';
import type { ActionHandler } from '../slack/listeners/action-listener.ts';
import type { RunMessages } from '../slack/runs/run-messages.ts';
import type { SlackWebClient } from '../slack/web-client.ts';
import type { LeaseKeeper } from '../store/lease-keeper.ts';
import type { Store } from '../store/open-store.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { Metrics } from '../telemetry/metrics.ts';

/**
 * What every feature is built from: the store, ledger and evidence, the clients the settings
 * configure, and the run engine with its Slack messages. Built once by createBot.
 */
export interface BotParts {
  settings: Settings;
  config: LoadedConfig;
  log: Logger;
  metrics: Metrics;
  /** Time as the engine and policy see it (tests move it). */
  clock: () => Date;
  store: Store;
  ledger: Ledger;
  evidence: Evidence;
  /** Web API client (retries per settings); Slack messages of runs go through it. */
  slackClient: SlackWebClient;
  /** Builds another Web API client, e.g. one that rejects rate-limited calls. */
  newSlackClient(options?: { rejectRateLimitedCalls?: boolean }): SlackWebClient;
  kube: KubeClients;
  actions: ActionRegistry;
  actionContext(actor: Actor): ActionContext;
  roles: RoleDirectory;
  groupMembers(groupId: string): Promise<string[]>;
  engine: RunEngine;
  runMessages: RunMessages;
  deployLog: DeployLog;
  /** The window after deploys and rollbacks (the engine's afterSteps). */
  verification: Verification;
  prometheus?: PrometheusClient | undefined;
  pagerduty?: PagerDuty | undefined;
  alertmanager?: AlertmanagerClient | undefined;
  /** Background work that must run on one bot of several sharing the database. */
  leases: LeaseKeeper;
}

/**
 * One capability of the bot (runs, triage, gates, drills): its `/mc` verbs, its buttons, its
 * HTTP routes, and what it must do when the bot starts and stops.
 */
export interface Feature {
  name: string;
  commandHandlers?: CommandHandlers;
  actionHandlers?: Record<string, ActionHandler>;
  routes?: HttpRoute[];
  /** After the HTTP server listens: recovery of work a stopped process left. */
  start?(): Promise<void>;
  /** Before the store closes, in reverse order of start; bounded. */
  stop?(): Promise<void>;
}

/** Builds a feature from the bot's parts; the list lives in bot.ts. */
export type FeatureFactory = (parts: BotParts) => Feature;
