import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Bot, createBot } from '../bot.ts';
import { formatConfigErrors, loadConfig } from '../config/load-config.ts';
import type { Catalog } from '../config/schema.ts';
import { createLogger, type LoggerOptions } from '../telemetry/logger.ts';
import type { ChannelDef } from './console/channel-feed.ts';
import { createConsoleLog } from './console/console-log.ts';
import { type ConsoleServer, startConsole } from './console/console-server.ts';
import type { SandboxUser } from './console/interactions.ts';
import { type KubeEmulator, kubeConfigFor, startKubeEmulator } from './kubernetes/index.ts';
import { freePort, freshDataDir } from './local-resources.ts';
import { type PagerDutyEmulator, startPagerDutyEmulator } from './pagerduty/emulator.ts';
import { createAlertmanagerApi } from './prometheus/alertmanager-api.ts';
import { clusterMetrics, createKnobs } from './prometheus/cluster-metrics.ts';
import {
  type SimulatedPrometheus,
  startSimulatedPrometheus,
} from './prometheus/prometheus-server.ts';
import {
  assertLoopback,
  isLoopbackHost,
  isLoopbackUrl,
  NotLoopbackError,
  newSecrets,
  sandboxSettings,
} from './sandbox-settings.ts';
import { SANDBOX_GROUPS, SANDBOX_USERS, seedUsers } from './sandbox-users.ts';
import { SCENARIOS } from './scenarios/catalog-scenarios.ts';
import { createScenarioRunner, type ScenarioRunner } from './scenarios/scenario-runner.ts';
import { catalogContexts, seedCluster } from './seed-cluster.ts';
import { seedDoraHistory, withSandboxScorecard } from './seed-dora-history.ts';
import { createSlackEmulator, type SlackEmulator } from './slack/slack-emulator.ts';

export interface SandboxOptions {
  /** Where commands/, catalog.yml and playbooks/ are (default: the current directory). */
  configDir?: string;
  /** The sandbox's own store; wiped at start (default `<configDir>/.sandbox-data`). */
  dataDir?: string;
  /** Console port (default 0: any free port). */
  port?: number;
  /** Bind address: loopback only (default 127.0.0.1). */
  host?: string;
  /** A Prometheus of your own on this machine instead of the simulated one. */
  prometheusUrl?: string;
  logLevel?: string;
  /** Where the bot's logs go (default stdout). */
  logDestination?: LoggerOptions['destination'];
}

/** A running sandbox: the one URL people open, and the parts tests drive. */
export interface Sandbox {
  url: string;
  botUrl: string;
  prometheusUrl: string;
  users: SandboxUser[];
  channels: ChannelDef[];
  dataDir: string;
  /** A kubeconfig of the emulated clusters, one context per catalog context, for kubectl. */
  kubeconfigPath: string;
  bot: Bot;
  slack: SlackEmulator;
  kube: KubeEmulator;
  pagerduty: PagerDutyEmulator;
  runner: ScenarioRunner;
  close(): Promise<void>;
}

/** Channels of the sandbox workspace: the default one first, then each service's. */
export function sandboxChannels(catalog: Catalog): ChannelDef[] {
  const names = [
    catalog.defaults.slackChannel,
    ...Object.values(catalog.services).map((s) => s.slackChannel),
  ];
  return [...new Set(names.map((n) => n.replace(/^#/, '')))].map((name) => ({
    id: `C0${name
      .replace(/[^a-z0-9]/gi, '')
      .toUpperCase()
      .slice(0, 8)}`,
    name,
  }));
}

/**
 * Starts everything in this process on 127.0.0.1: the Slack, PagerDuty and Kubernetes
 * emulators (the cluster seeded from catalog.yml), the simulated Prometheus, the real bot
 * (createBot, the production code path) with its own PGlite store, the scenario runner and
 * the web console. Refuses to start when any endpoint would not be loopback.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const offenders = [
    ...(isLoopbackHost(host) ? [] : [`bind address ${host}`]),
    ...(options.prometheusUrl && !isLoopbackUrl(options.prometheusUrl)
      ? [`PROMETHEUS_URL = ${options.prometheusUrl}`]
      : []),
  ];
  if (offenders.length > 0) throw new NotLoopbackError(offenders);
  const configDir = path.resolve(options.configDir ?? '.');
  const loaded = await loadConfig(configDir);
  if (!loaded.ok)
    throw new Error(
      `the configuration in ${configDir} is invalid:\n${formatConfigErrors(loaded.errors)}`,
    );
  const { catalog } = loaded.config;
  const dataDir = await freshDataDir(
    path.resolve(options.dataDir ?? path.join(configDir, '.sandbox-data')),
  );
  const secrets = newSecrets();
  const log = createLogger({
    level: options.logLevel ?? 'warn',
    secrets: Object.values(secrets),
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  const stack: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const close of stack.reverse()) await close().catch(() => {});
  };
  try {
    const kube = await startKubeEmulator({ tickMs: 50, strict: false });
    stack.push(() => kube.close());
    const slack = await createSlackEmulator({
      botToken: secrets.botToken,
      identity: { teamName: 'acme-sandbox' },
    });
    stack.push(() => slack.close());
    seedUsers(slack, catalog);
    const channels = sandboxChannels(catalog);
    for (const c of channels) slack.seedChannel(c);
    const pagerduty = await startPagerDutyEmulator({
      users: [
        { name: 'Maestro Conductor', email: 'mc@acme.test' },
        { name: 'Alertmanager', email: 'alertmanager@acme.test' },
      ],
      services: Object.entries(catalog.services).map(([name, s]) => ({
        id: s.pagerduty.serviceId,
        name: `${name} (prod)`,
      })),
    });
    stack.push(() => pagerduty.close());
    const knobs = createKnobs();
    const metrics = clusterMetrics(kube, catalog, knobs);
    let runner: ScenarioRunner | undefined;
    const prometheus: SimulatedPrometheus | undefined = options.prometheusUrl
      ? undefined
      : await startSimulatedPrometheus({
          source: metrics,
          alerts: () => runner?.prometheusAlerts() ?? [],
          alertmanager: createAlertmanagerApi(() => runner?.heldAlerts() ?? []),
        });
    if (prometheus) stack.push(() => prometheus.close());
    const prometheusUrl = options.prometheusUrl ?? (prometheus as SimulatedPrometheus).url;
    const botPort = await freePort();
    const settings = sandboxSettings(
      {
        slackApiUrl: slack.apiUrl,
        pagerdutyUrl: pagerduty.url,
        pagerdutyToken: pagerduty.token,
        prometheusUrl,
        ...(prometheus ? { alertmanagerUrl: `${prometheus.url}/alertmanager` } : {}),
        dataDir,
        configDir,
        botPort,
        logLevel: options.logLevel ?? 'warn',
      },
      secrets,
    );
    const kubeConfig = kubeConfigFor(kube, catalogContexts(catalog), { clusterPerContext: true });
    assertLoopback(settings, kubeConfig, host);
    // The same clusters for kubectl: `KUBECONFIG=<dataDir>/kubeconfig kubectl get deploy -A`.
    const kubeconfigPath = path.join(dataDir, 'kubeconfig');
    await writeFile(kubeconfigPath, kubeConfig.exportConfig(), { mode: 0o600 });
    const bot = await createBot({
      settings,
      config: withSandboxScorecard(loaded.config, channels[0]?.id),
      log,
      botId: slack.identity.botId,
      botUserId: slack.identity.botUserId,
      kubeConfig,
      verification: { intervalMs: 2_000, required: 3 },
      messageUpdateMs: 250,
      triage: { inboxPollMs: 200, minPostIntervalMs: 250 },
      stopGraceMs: 5_000,
    });
    stack.push(() => bot.stop());
    await seedCluster(kube, catalog, bot.parts.deployLog);
    const { db } = bot.store;
    await seedDoraHistory({ db, deployLog: bot.parts.deployLog, catalog, now: new Date() });
    await bot.start(botPort, '127.0.0.1');
    const botUrl = settings.publicUrl;
    runner = createScenarioRunner({
      scenarios: SCENARIOS,
      context: {
        kube,
        clients: bot.parts.kube,
        catalog,
        knobs,
        metrics,
        deployLog: bot.parts.deployLog,
        deployer: 'U02CAROL03',
      },
      botUrl,
      alertmanagerToken: secrets.alertmanagerToken,
      pagerduty,
      pagerdutySecret: secrets.pagerdutySecret,
      prometheusUrl,
      log,
    });
    const scenarioRunner = runner;
    stack.push(async () => scenarioRunner.close());
    const consoleServer: ConsoleServer = await startConsole({
      slack,
      log: createConsoleLog(),
      eventsUrl: `${botUrl}/slack/events`,
      signingSecret: secrets.signingSecret,
      teamId: slack.identity.teamId,
      appId: slack.identity.appId,
      users: SANDBOX_USERS,
      groups: SANDBOX_GROUPS,
      channels,
      runner,
      botUrl,
      prometheusUrl,
      appLog: log,
      host,
      port: options.port ?? 0,
    });
    stack.push(() => consoleServer.close());
    return {
      url: consoleServer.url,
      botUrl,
      prometheusUrl,
      users: SANDBOX_USERS,
      channels,
      dataDir,
      kubeconfigPath,
      bot,
      slack,
      kube,
      pagerduty,
      runner,
      close: async () => {
        await cleanup();
        log.flush();
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
