import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LoadedConfig, loadConfig } from '../../src/config/load-config.ts';
import type { ReadinessProbe } from '../../src/http/ops-routes.ts';
import type { HttpRoute } from '../../src/http/route.ts';
import {
  newTriggerId,
  type SendOptions,
  type SendResult,
  sendSlashCommand,
} from '../../src/sandbox/slack/sign-request.ts';
import { createSlackEmulator, type SlackEmulator } from '../../src/sandbox/slack/slack-emulator.ts';
import type { CommandHandlers } from '../../src/slack/commands/types.ts';
import { createSlackApp, type SlackApp } from '../../src/slack/create-slack-app.ts';
import type { ActionHandler } from '../../src/slack/listeners/action-listener.ts';
import type { RequestDedupe } from '../../src/slack/request-dedupe.ts';
import { createMetrics, type Metrics } from '../../src/telemetry/metrics.ts';
import { createMemoryDedupe } from './slack-dedupe.ts';
import { captureLogs } from './slack-logs.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SIGNING_SECRET = 'test-signing-secret-8f2b1c9d0e7a';
export const BOT_TOKEN = 'xoxb-1111-2222-testbottoken';

/** The repository's own commands/ and catalog.yml, loaded as main.ts loads them. */
export async function loadRepoConfig(): Promise<LoadedConfig> {
  const result = await loadConfig(REPO_ROOT);
  if (!result.ok) throw new Error(`repo config invalid: ${JSON.stringify(result.errors)}`);
  return result.config;
}

export interface BotOptions {
  dedupe?: RequestDedupe;
  readiness?: ReadinessProbe;
  handlers?: CommandHandlers;
  actionHandlers?: Record<string, ActionHandler>;
  extraRoutes?: HttpRoute[];
  bodyLimitBytes?: number;
  config?: LoadedConfig;
  /** Configured secrets the logger masks (main.ts passes the real ones); default both test secrets. */
  logSecrets?: string[];
}

/** A running bot (real Bolt over HTTP) wired to a running Slack emulator. */
export interface TestBot {
  emulator: SlackEmulator;
  slack: SlackApp;
  metrics: Metrics;
  logs: ReturnType<typeof captureLogs>;
  dedupe: RequestDedupe;
  baseUrl: string;
  eventsUrl: string;
  /** Sends `/mc <text>` signed; resolves with the HTTP answer and the response_url id used. */
  command(
    text: string,
    options?: Partial<SendOptions> & { triggerId?: string; userId?: string },
  ): Promise<SendResult & { responseId: string; triggerId: string }>;
  /** Sends `/mc <text>` and waits for the first reply posted to its response_url. */
  ask(text: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

let sequence = 0;

/** Starts emulator and bot on loopback, port 0; close() stops both. */
export async function startBot(options: BotOptions = {}): Promise<TestBot> {
  const emulator = await createSlackEmulator({ botToken: BOT_TOKEN });
  const logs = captureLogs({ secrets: options.logSecrets ?? [SIGNING_SECRET, BOT_TOKEN] });
  const metrics = createMetrics({ defaultMetrics: false });
  const dedupe = options.dedupe ?? createMemoryDedupe();
  const slack = createSlackApp({
    botToken: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    slackApiUrl: emulator.apiUrl,
    clientRetries: 0,
    config: options.config ?? (await loadRepoConfig()),
    log: logs.log,
    metrics,
    dedupe,
    readiness: options.readiness ?? (async () => ({ ready: true, checks: { config: 'ok' } })),
    ...(options.handlers ? { handlers: options.handlers } : {}),
    ...(options.actionHandlers ? { actionHandlers: options.actionHandlers } : {}),
    ...(options.extraRoutes ? { extraRoutes: options.extraRoutes } : {}),
    ...(options.bodyLimitBytes ? { bodyLimitBytes: options.bodyLimitBytes } : {}),
  });
  const { port } = await slack.start(0);
  const baseUrl = `http://127.0.0.1:${port}`;
  const eventsUrl = `${baseUrl}/slack/events`;
  const bot: TestBot = {
    emulator,
    slack,
    metrics,
    logs,
    dedupe,
    baseUrl,
    eventsUrl,
    async command(text, sendOptions = {}) {
      sequence += 1;
      const responseId = `cmd-${sequence}`;
      const triggerId = sendOptions.triggerId ?? newTriggerId();
      const result = await sendSlashCommand(
        eventsUrl,
        {
          text,
          triggerId,
          responseUrl: emulator.responseUrl(responseId),
          ...(sendOptions.userId ? { userId: sendOptions.userId } : {}),
        },
        { signingSecret: SIGNING_SECRET, ...sendOptions },
      );
      return { ...result, responseId, triggerId };
    },
    async ask(text) {
      const sent = await bot.command(text);
      if (sent.status !== 200) throw new Error(`bot answered ${sent.status}: ${sent.body}`);
      const posted = await emulator.waitFor(() => emulator.responses(sent.responseId)[0]);
      return posted.body;
    },
    async close() {
      await slack.stop();
      await emulator.close();
    },
  };
  return bot;
}

/** What a person reads in a reply: every text field of every block, in order. */
export function visibleText(reply: Record<string, unknown>): string {
  const parts: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (typeof record.text === 'string') parts.push(record.text);
      for (const [key, value] of Object.entries(record)) if (key !== 'text') walk(value);
      if (record.text && typeof record.text === 'object') walk(record.text);
    }
  };
  walk(reply.blocks ?? []);
  return parts.join('\n');
}
