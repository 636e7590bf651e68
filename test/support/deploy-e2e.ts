import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { type Bot, type BotOptions, createBot } from '../../src/bot.ts';
import { loadEnv } from '../../src/config/env.ts';
import { Catalog } from '../../src/config/schema.ts';
import { startTestExporter, type TestExporter } from '../../src/sandbox/exporter/test-exporter.ts';
import {
  type KubeEmulator,
  kubeConfigFor,
  startKubeEmulator,
} from '../../src/sandbox/kubernetes/index.ts';
import type { EmulatedMessage } from '../../src/sandbox/slack/emulator-types.ts';
import {
  newTriggerId,
  sendBlockAction,
  sendSlashCommand,
} from '../../src/sandbox/slack/sign-request.ts';
import { createSlackEmulator, type SlackEmulator } from '../../src/sandbox/slack/slack-emulator.ts';
import { seedRollout } from './deploy-e2e-rollout.ts';
import { startPrometheus, type TestPrometheus } from './prometheus.ts';
import {
  buttonValue,
  CHANNEL,
  IMAGES,
  LEAD,
  NOBODY,
  ONCALL,
  ONCALL2,
  PROD,
  STAGING,
} from './runs-e2e.ts';
import { CHECKOUT, seedReleases } from './runs-e2e-kube.ts';
import { BOT_TOKEN, loadRepoConfig, SIGNING_SECRET } from './slack.ts';
import { captureLogs } from './slack-logs.ts';

/** Healthy checkout traffic: 50 requests/s, none failing (the 500 series exists, at 0/s). */
export const HEALTHY = { ok: 50, error: 0 };

export interface DeployWorld {
  kube: KubeEmulator;
  slack: SlackEmulator;
  exporter: TestExporter;
  prometheus: TestPrometheus;
  bot: Bot;
  baseUrl: string;
  /** Stops the bot and starts another on the same data directory (a process restart). */
  restart(overrides?: DeployBotOverrides): Promise<void>;
  /** Another bot on the same database (with `databaseUrl`), started; close() stops it. */
  another(overrides?: DeployBotOverrides): Promise<Bot>;
  /** Stops `bot` (once: close() then leaves it alone). */
  stopBot(bot: Bot): Promise<void>;
  command(text: string, userId: string): Promise<{ status: number; responseId: string }>;
  answers(responseId: string): Record<string, unknown>[];
  /** Clicks a button of `message`, sent to `via` (another() bot) or else to `bot`. */
  click(message: EmulatedMessage, actionId: string, userId: string, via?: Bot): Promise<unknown>;
  plans(): EmulatedMessage[];
  current(message: EmulatedMessage): EmulatedMessage;
  thread(message: EmulatedMessage): EmulatedMessage[];
  until<T>(what: string, probe: () => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

let sequence = 0;
let clicks = 0;

/** What a test may change about the bot it starts (or restarts). */
export type DeployBotOverrides = Partial<
  Pick<
    BotOptions,
    'ownerId' | 'runs' | 'stopGraceMs' | 'verification' | 'leases' | 'recoverEveryMs'
  >
>;

export interface DeployWorldOptions {
  /** checkout/prod as an Argo Rollout (seeded on 1.4.2, see deploy-e2e-rollout.ts), not frozen. */
  prodRollout?: boolean;
  bot?: DeployBotOverrides;
  /** Leave PROMETHEUS_URL unset (Prometheus still runs for the exporter): no SLO window. */
  noPrometheusUrl?: boolean;
  /** A PostgreSQL database the bots share instead of the embedded store. */
  databaseUrl?: string;
}

/**
 * The whole bot against the Kubernetes and Slack emulators and a REAL Prometheus scraping the
 * test exporter (checkout traffic healthy), with the repo catalog's checkout SLO queries.
 * checkout runs as a Deployment in staging and prod; prod is in a change freeze now.
 */
export async function startDeployWorld(options: DeployWorldOptions = {}): Promise<DeployWorld> {
  const exporter = await startTestExporter();
  exporter.setRate('checkout', HEALTHY);
  const prometheus = await startPrometheus({ scrapeTargets: [exporter.target] });
  const kube = await startKubeEmulator({ tickMs: 10, timeScale: 100 });
  await seedReleases(kube, STAGING, CHECKOUT, IMAGES);
  if (options.prodRollout) await seedRollout(kube, PROD, IMAGES.at(-1) ?? '');
  else await seedReleases(kube, PROD, CHECKOUT, IMAGES);
  const slack = await createSlackEmulator({ botToken: BOT_TOKEN });
  for (const id of [ONCALL, ONCALL2, LEAD, NOBODY]) slack.seedUser({ id, name: id.toLowerCase() });
  slack.seedUsergroup('S05ONCALL1', [ONCALL, ONCALL2]);
  slack.seedUsergroup('S01SRELEAD', [LEAD]);
  slack.seedUsergroup('S02RELMGRS', []);
  slack.seedUsergroup('S03SECOPS1', []);

  const repo = await loadRepoConfig();
  const raw = structuredClone(repo.catalog);
  const checkout = raw.services.checkout;
  if (!checkout?.environments.prod || !raw.environments.prod)
    throw new Error('catalog.yml lost checkout/prod');
  checkout.environments.prod.workload = {
    kind: options.prodRollout ? 'Rollout' : 'Deployment',
    name: 'checkout',
  };
  const hour = 3_600_000;
  raw.environments.prod.freeze = options.prodRollout
    ? []
    : [
        {
          start: new Date(Date.now() - hour).toISOString(),
          end: new Date(Date.now() + hour).toISOString(),
          reason: 'Test freeze',
        },
      ];
  const config = { ...repo, catalog: Catalog.parse(raw) };
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'mc-deploy-e2e-'));
  const env = loadEnv({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    MC_DATA_DIR: dataDir,
    MC_PUBLIC_URL: 'https://mc.test',
    ...(options.noPrometheusUrl ? {} : { PROMETHEUS_URL: prometheus.url }),
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
  });
  if (!env.ok) throw new Error(env.problems.join('; '));
  const logs = captureLogs({ level: 'info', secrets: [BOT_TOKEN, SIGNING_SECRET] });
  const settings = env.settings;
  const boot = async (overrides: DeployBotOverrides = {}) => {
    const built = await createBot({
      settings,
      config,
      log: logs.log,
      botId: slack.identity.botId,
      botUserId: slack.identity.botUserId,
      clientRetries: 0,
      kubeConfig: kubeConfigFor(kube, [STAGING, PROD], { clusterPerContext: true }),
      messageUpdateMs: 100,
      ...overrides,
      runs: { verifyTimeoutMs: 15_000, progressIntervalMs: 100, ...overrides.runs },
      verification: { intervalMs: 1_000, required: 3, canaryPollMs: 50, ...overrides.verification },
    });
    const { port } = await built.start(0);
    return { built, url: `http://127.0.0.1:${port}` };
  };
  let { built: bot, url: baseUrl } = await boot(options.bot);
  const others: Bot[] = [];
  const urls = new Map<Bot, string>();
  const stopped = new Set<Bot>();
  const stopBot = async (b: Bot) => {
    if (stopped.has(b)) return;
    stopped.add(b);
    await b.stop();
  };
  const eventsUrl = () => `${baseUrl}/slack/events`;
  const messages = () => slack.messages(CHANNEL);
  return {
    kube,
    slack,
    exporter,
    prometheus,
    get bot() {
      return bot;
    },
    get baseUrl() {
      return baseUrl;
    },
    async restart(overrides = {}) {
      await bot.stop();
      ({ built: bot, url: baseUrl } = await boot(overrides));
    },
    async another(overrides = {}) {
      const { built, url } = await boot(overrides);
      others.push(built);
      urls.set(built, url);
      return built;
    },
    stopBot,
    async command(text, userId) {
      const responseId = `deploy-${++sequence}`;
      const sent = await sendSlashCommand(
        eventsUrl(),
        {
          text,
          userId,
          channelId: CHANNEL,
          responseUrl: slack.responseUrl(responseId),
          triggerId: newTriggerId(),
        },
        { signingSecret: SIGNING_SECRET },
      );
      return { ...sent, responseId };
    },
    answers: (responseId) => slack.responses(responseId).map((r) => r.body),
    click(message, actionId, userId, via) {
      const value = buttonValue(message, actionId);
      if (value === undefined) throw new Error(`no ${actionId} button on: ${message.text}`);
      return sendBlockAction(
        via ? `${urls.get(via)}/slack/events` : eventsUrl(),
        {
          actionId,
          value,
          userId,
          channelId: CHANNEL,
          messageTs: message.ts,
          actionTs: `${(Date.now() / 1000).toFixed(3)}${String(++clicks).padStart(3, '0')}`,
          triggerId: newTriggerId(),
        },
        { signingSecret: SIGNING_SECRET },
      );
    },
    plans: () => messages().filter((m) => !m.threadTs),
    current: (message) => messages().find((m) => m.ts === message.ts) ?? message,
    thread: (message) => messages().filter((m) => m.threadTs === message.ts),
    async until(what, probe, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const value = probe();
        if (value) return value;
        await delay(25);
      }
      throw new Error(`timed out waiting for ${what}`);
    },
    async close() {
      try {
        for (const b of [...others, bot]) await stopBot(b);
      } finally {
        await slack.close();
        await kube.close();
        await prometheus.close();
        await exporter.close();
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}
