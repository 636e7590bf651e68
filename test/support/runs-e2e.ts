import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { type Bot, type BotOptions, createBot } from '../../src/bot.ts';
import { loadEnv } from '../../src/config/env.ts';
import { Catalog } from '../../src/config/schema.ts';
import {
  type KubeEmulator,
  type KubeEmulatorOptions,
  kubeConfigFor,
  startKubeEmulator,
} from '../../src/sandbox/kubernetes/index.ts';
import type { EmulatedMessage } from '../../src/sandbox/slack/emulator-types.ts';
import {
  newTriggerId,
  type SendResult,
  sendBlockAction,
  sendSlashCommand,
} from '../../src/sandbox/slack/sign-request.ts';
import { createSlackEmulator, type SlackEmulator } from '../../src/sandbox/slack/slack-emulator.ts';
import { CHECKOUT, seedReleases } from './runs-e2e-kube.ts';
import { BOT_TOKEN, loadRepoConfig, SIGNING_SECRET } from './slack.ts';
import { captureLogs } from './slack-logs.ts';

export const STAGING = 'gke_acme-staging_europe-west1_main';
export const PROD = 'gke_acme-prod_europe-west1_main';
export const CHANNEL = 'C0OPS';
/** People: two on call (by user group), an SRE lead by user group only, someone with no role. */
export const ONCALL = 'U0ONCALL01';
export const ONCALL2 = 'U0ONCALL02';
export const LEAD = 'U0SRELEAD1';
export const NOBODY = 'U0NOBODY01';
export const IMAGES = ['shop/checkout:1.4.0', 'shop/checkout:1.4.1', 'shop/checkout:1.4.2'];
export { CHECKOUT, GATEWAY, liveImage } from './runs-e2e-kube.ts';

/** What a test may change in how the bot is built. */
export type BotOverrides = Partial<
  Pick<BotOptions, 'ownerId' | 'runs' | 'stopGraceMs' | 'recoverEveryMs'>
>;

export interface RollbackWorld {
  kube: KubeEmulator;
  slack: SlackEmulator;
  /** The bot running now (restart() replaces it). */
  readonly bot: Bot;
  baseUrl: string;
  /**
   * Stops the bot and starts another on the same data directory (a process restart);
   * `downMs`: how long no bot runs in between (a deadline passes while it is down).
   */
  restart(overrides?: BotOverrides, downMs?: number): Promise<void>;
  logs: ReturnType<typeof captureLogs>;
  /** `/mc <text>` typed by userId in CHANNEL; returns the response_url id. */
  command(text: string, userId: string): Promise<SendResult & { responseId: string }>;
  /** What was posted to a response_url (ephemeral answers to the typist). */
  answers(responseId: string): Record<string, unknown>[];
  /** Clicks a run button found on a message. */
  click(message: EmulatedMessage, actionId: string, userId: string): Promise<SendResult>;
  /** Top-level messages in CHANNEL. */
  plans(): EmulatedMessage[];
  /** Replies in a message's thread. */
  thread(message: EmulatedMessage): EmulatedMessage[];
  /** Waits (bounded) for probe to return something truthy. */
  until<T>(what: string, probe: () => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

let sequence = 0;
let clicks = 0;

/**
 * Kubernetes and Slack emulators and the whole bot (createBot, temp PGlite) wired together.
 * `seed` prepares the clusters; default: checkout with three revisions in staging and prod.
 */
export async function startRollbackWorld(
  options: {
    seed?: (kube: KubeEmulator) => Promise<void>;
    bot?: BotOverrides;
    /** More environment for the bot (webhook secrets, PagerDuty, Prometheus URLs). */
    env?: Record<string, string>;
    /** Emulator tick (default 10 ms): pods become ready one tick after they are created. */
    tickMs?: number;
    /** The repo's configuration, read as if it lived here (files such as signing keys). */
    configDir?: string;
    /** More emulator options (RBAC and its users). */
    kube?: KubeEmulatorOptions;
    /** The bearer token the bot's kubeconfig carries (default: the emulator's admin). */
    kubeToken?: string;
    /** Changes to the catalog as parsed from catalog.yml (before it is validated again). */
    editCatalog?: (raw: Record<string, unknown>) => void;
  } = {},
): Promise<RollbackWorld> {
  const kube = await startKubeEmulator({ tickMs: options.tickMs ?? 10, ...options.kube });
  const seed =
    options.seed ??
    (async (k: KubeEmulator) => {
      await seedReleases(k, STAGING, CHECKOUT, IMAGES);
      await seedReleases(k, PROD, CHECKOUT, IMAGES);
    });
  await seed(kube);
  const slack = await createSlackEmulator({ botToken: BOT_TOKEN });
  for (const [id, name] of [
    [ONCALL, 'olive'],
    [ONCALL2, 'oscar'],
    [LEAD, 'lena'],
    [NOBODY, 'nobody'],
  ] as const) {
    slack.seedUser({ id, name });
  }
  slack.seedUsergroup('S05ONCALL1', [ONCALL, ONCALL2]);
  slack.seedUsergroup('S01SRELEAD', [LEAD]);
  slack.seedUsergroup('S02RELMGRS', []);
  slack.seedUsergroup('S03SECOPS1', []);

  const repo = await loadRepoConfig();
  const raw = structuredClone(repo.catalog);
  const checkout = raw.services.checkout;
  if (!checkout?.environments.prod) throw new Error('catalog.yml lost checkout/prod');
  checkout.environments.prod.workload = { kind: 'Deployment', name: 'checkout' };
  options.editCatalog?.(raw as unknown as Record<string, unknown>);
  const config = { ...repo, dir: options.configDir ?? repo.dir, catalog: Catalog.parse(raw) };

  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'mc-e2e-'));
  const env = loadEnv({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    MC_DATA_DIR: dataDir,
    MC_PUBLIC_URL: 'https://mc.test',
    ...options.env,
  });
  if (!env.ok) throw new Error(env.problems.join('; '));
  const logs = captureLogs({ level: 'info', secrets: [BOT_TOKEN, SIGNING_SECRET] });
  const build = async (overrides: BotOverrides) => {
    const built = await createBot({
      settings: env.settings,
      config,
      log: logs.log,
      botId: slack.identity.botId,
      botUserId: slack.identity.botUserId,
      clientRetries: 0,
      kubeConfig: kubeConfigFor(kube, [STAGING, PROD], {
        clusterPerContext: true,
        ...(options.kubeToken ? { token: options.kubeToken } : {}),
      }),
      runs: { verifyTimeoutMs: 15_000 },
      messageUpdateMs: 100,
      ...overrides,
    });
    const { port } = await built.start(0);
    return { built, baseUrl: `http://127.0.0.1:${port}` };
  };
  let { built: bot, baseUrl } = await build(options.bot ?? {});
  const eventsUrl = () => `${baseUrl}/slack/events`;

  const until: RollbackWorld['until'] = async (what, probe, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const value = probe();
      if (value) return value;
      await delay(20);
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  return {
    kube,
    slack,
    get bot() {
      return bot;
    },
    get baseUrl() {
      return baseUrl;
    },
    async restart(overrides = {}, downMs = 0) {
      await bot.stop();
      if (downMs > 0) await delay(downMs);
      ({ built: bot, baseUrl } = await build(overrides));
    },
    logs,
    async command(text, userId) {
      sequence += 1;
      const responseId = `e2e-${sequence}`;
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
    click(message, actionId, userId) {
      const value = buttonValue(message, actionId);
      if (value === undefined)
        throw new Error(`no ${actionId} button on the message: ${message.text}`);
      return sendBlockAction(
        eventsUrl(),
        {
          actionId,
          value,
          userId,
          channelId: CHANNEL,
          messageTs: message.ts,
          // Two real clicks never share an action_ts (Slack retries do, and are dropped).
          actionTs: `${(Date.now() / 1000).toFixed(3)}${String(++clicks).padStart(3, '0')}`,
          triggerId: newTriggerId(),
        },
        { signingSecret: SIGNING_SECRET },
      );
    },
    plans: () => slack.messages(CHANNEL).filter((m) => !m.threadTs),
    thread: (message) => slack.messages(CHANNEL).filter((m) => m.threadTs === message.ts),
    until,
    async close() {
      try {
        await bot.stop();
      } finally {
        await slack.close();
        await kube.close();
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** The value of the button with this action id on a message, if it has one. */
export function buttonValue(message: EmulatedMessage, actionId: string): string | undefined {
  for (const block of message.blocks as {
    type: string;
    elements?: { action_id?: string; value?: string }[];
  }[]) {
    const found =
      block.type === 'actions' ? block.elements?.find((e) => e.action_id === actionId) : undefined;
    if (found) return found.value;
  }
  return undefined;
}

/** The action ids of a message's buttons. */
export function buttonIds(message: EmulatedMessage): string[] {
  return (message.blocks as { type: string; elements?: { action_id?: string }[] }[])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => (b.elements ?? []).map((e) => e.action_id ?? ''));
}
