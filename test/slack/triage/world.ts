import { setTimeout as delay } from 'node:timers/promises';
import type { AlertmanagerClient } from '../../../src/adapters/alertmanager/create-alertmanager-client.ts';
import type { AlertmanagerWebhook } from '../../../src/adapters/alertmanager/schema.ts';
import { createPagerDutyClient } from '../../../src/adapters/pagerduty/client.ts';
import type { LoadedConfig } from '../../../src/config/load-config.ts';
import { createLedger, type Ledger } from '../../../src/evidence/ledger/create-ledger.ts';
import { createWebhookRoutes } from '../../../src/http/webhooks/create-webhook-routes.ts';
import { createInboxWorker, type InboxWorker } from '../../../src/http/webhooks/inbox-worker.ts';
import type { RunEngine } from '../../../src/runs/types.ts';
import {
  type PagerDutyEmulator,
  startPagerDutyEmulator,
} from '../../../src/sandbox/pagerduty/emulator.ts';
import type { EmulatedMessage } from '../../../src/sandbox/slack/emulator-types.ts';
import {
  newTriggerId,
  type SendResult,
  sendBlockAction,
  sendSlashCommand,
} from '../../../src/sandbox/slack/sign-request.ts';
import {
  createSlackEmulator,
  type SlackEmulator,
} from '../../../src/sandbox/slack/slack-emulator.ts';
import { createSlackApp, type SlackApp } from '../../../src/slack/create-slack-app.ts';
import { createTriage, type Triage } from '../../../src/slack/triage/create-triage.ts';
import { createSlackClient, type SlackWebClient } from '../../../src/slack/web-client.ts';
import { createInbox } from '../../../src/store/inbox.ts';
import { openStore, type Store } from '../../../src/store/open-store.ts';
import { createMetrics, type Metrics } from '../../../src/telemetry/metrics.ts';
import { BOT_TOKEN, loadRepoConfig, SIGNING_SECRET } from '../../support/slack.ts';
import { createMemoryDedupe } from '../../support/slack-dedupe.ts';
import { captureLogs } from '../../support/slack-logs.ts';

export const AM_TOKEN = 'am-webhook-token-triage-5c1e9a';
export const PD_SECRET = 'pd-webhook-secret-triage';
export const CHECKOUT_CHANNEL = '#team-checkout';
export const ONCALL = 'U0ONCALL01';

export interface WorldOptions {
  /** The engine behind Run; default one that refuses (tests of other buttons). */
  engine?: (parts: {
    store: Store;
    ledger: Ledger;
    slackClient: SlackWebClient;
  }) => Promise<RunEngine>;
  minPostIntervalMs?: number;
  /** Start a PagerDuty emulator with checkout's service seeded. */
  pagerduty?: boolean;
  alertmanager?: Pick<AlertmanagerClient, 'alerts' | 'url'>;
  config?: LoadedConfig;
}

/** The Bolt app, webhook routes, inbox worker and triage over PGlite, against emulators. */
export interface TriageWorld {
  slack: SlackEmulator;
  app: SlackApp;
  store: Store;
  ledger: Ledger;
  triage: Triage;
  worker: InboxWorker;
  metrics: Metrics;
  engine: RunEngine;
  pd?: PagerDutyEmulator;
  logs: ReturnType<typeof captureLogs>;
  baseUrl: string;
  /** POSTs an Alertmanager webhook with the bearer token; resolves with the HTTP status. */
  deliver(webhook: AlertmanagerWebhook): Promise<number>;
  /** Top-level messages of a channel. */
  posts(channel?: string): EmulatedMessage[];
  click(message: EmulatedMessage, actionId: string, userId?: string): Promise<string>;
  /** `/mc <text>`; resolves with the response_url id its answers go to. */
  command(text: string, userId?: string): Promise<string>;
  answers(responseId: string): Record<string, unknown>[];
  until<T>(what: string, probe: () => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

let sequence = 0;

/** A RunEngine whose request() refuses: for tests where Run must not be reached. */
function refusingEngine(): RunEngine {
  const no = async () => ({ ok: false as const, code: 'not_found' as const, message: 'no engine' });
  return {
    subscribe: () => () => {},
    request: no,
    attachMessage: async () => {},
    confirm: no,
    approve: no,
    reject: no,
    cancel: no,
    revert: no,
    resume: no,
    get: async () => undefined,
    requirements: () => undefined,
    permits: async () => ({ ok: true }),
    authorize: async () => ({ ok: false, message: 'no engine' }),
    active: async () => [],
    recoverInterrupted: async () => [],
    expireStale: async () => [],
    idle: async () => {},
  };
}

export async function startTriageWorld(options: WorldOptions = {}): Promise<TriageWorld> {
  const config = options.config ?? (await loadRepoConfig());
  const slack = await createSlackEmulator({ botToken: BOT_TOKEN });
  // The catalog's user groups: ONCALL is on call (the environments' baselines ask for a role).
  slack.seedUsergroup('S05ONCALL1', [ONCALL]);
  for (const group of ['S01SRELEAD', 'S02RELMGRS', 'S03SECOPS1']) slack.seedUsergroup(group, []);
  const logs = captureLogs({ level: 'info', secrets: [BOT_TOKEN, SIGNING_SECRET] });
  const log = logs.log;
  const metrics = createMetrics({ defaultMetrics: false });
  const store = await openStore({ dataDir: null, log });
  const ledger = createLedger(store.db, { log });
  const slackClient = createSlackClient({
    botToken: BOT_TOKEN,
    slackApiUrl: slack.apiUrl,
    retries: 0,
    rejectRateLimitedCalls: true,
    log,
  });
  let pd: PagerDutyEmulator | undefined;
  if (options.pagerduty) {
    pd = await startPagerDutyEmulator({ users: [{ name: 'mc', email: 'mc@acme.test' }] });
    pd.seedService({ id: 'PCHK7Q2', name: 'checkout (prod)' });
  }
  const engine = options.engine
    ? await options.engine({ store, ledger, slackClient })
    : refusingEngine();
  const triage = createTriage({
    db: store.db,
    ledger,
    config,
    engine,
    slackClient,
    log,
    metrics,
    alertmanager: options.alertmanager,
    pagerduty: pd
      ? createPagerDutyClient({
          token: pd.token,
          apiUrl: pd.url,
          from: 'mc@acme.test',
          log,
          retry: { maxRetries: 0 },
        })
      : undefined,
    minPostIntervalMs: options.minPostIntervalMs ?? 1000,
  });
  const inbox = createInbox(store.db);
  const worker = createInboxWorker({
    inbox,
    consumer: triage.consumer,
    log,
    metrics,
    pollIntervalMs: 100,
  });
  const routes = createWebhookRoutes({
    inbox,
    worker,
    alertmanagerToken: AM_TOKEN,
    pagerdutySecrets: [PD_SECRET],
    log,
    metrics,
  });
  const app = createSlackApp({
    botToken: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    slackApiUrl: slack.apiUrl,
    botId: slack.identity.botId,
    botUserId: slack.identity.botUserId,
    clientRetries: 0,
    config,
    log,
    metrics,
    dedupe: createMemoryDedupe(),
    readiness: async () => ({ ready: true, checks: {} }),
    extraRoutes: routes,
    handlers: triage.commandHandlers,
    actionHandlers: triage.actionHandlers,
  });
  const { port } = await app.start(0);
  const baseUrl = `http://127.0.0.1:${port}`;
  await triage.start();
  worker.start();
  const until: TriageWorld['until'] = async (what, probe, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const value = probe();
      if (value) return value;
      await delay(10);
    }
    throw new Error(
      `timed out waiting for ${what}; slack calls: ${slack
        .calls()
        .map((c) => c.method)
        .join(', ')}`,
    );
  };
  return {
    slack,
    app,
    store,
    ledger,
    triage,
    worker,
    metrics,
    engine,
    ...(pd ? { pd } : {}),
    logs,
    baseUrl,
    async deliver(webhook) {
      const res = await fetch(`${baseUrl}/webhooks/alertmanager`, {
        method: 'POST',
        headers: { authorization: `Bearer ${AM_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(webhook),
      });
      await res.arrayBuffer();
      return res.status;
    },
    posts: (channel = CHECKOUT_CHANNEL) => slack.messages(channel).filter((m) => !m.threadTs),
    async click(message, actionId, userId = ONCALL) {
      sequence += 1;
      const responseId = `triage-click-${sequence}`;
      const value = buttonValue(message, actionId);
      if (value === undefined) throw new Error(`no ${actionId} button on: ${message.text}`);
      const sent: SendResult = await sendBlockAction(
        `${baseUrl}/slack/events`,
        {
          actionId,
          value,
          userId,
          channelId: message.channel,
          messageTs: message.ts,
          responseUrl: slack.responseUrl(responseId),
          triggerId: newTriggerId(),
        },
        { signingSecret: SIGNING_SECRET },
      );
      if (sent.status !== 200) throw new Error(`click answered ${sent.status}`);
      return responseId;
    },
    async command(text, userId = ONCALL) {
      sequence += 1;
      const responseId = `triage-cmd-${sequence}`;
      const sent = await sendSlashCommand(
        `${baseUrl}/slack/events`,
        {
          text,
          userId,
          channelId: 'C0OPS',
          responseUrl: slack.responseUrl(responseId),
          triggerId: newTriggerId(),
        },
        { signingSecret: SIGNING_SECRET },
      );
      if (sent.status !== 200) throw new Error(`command answered ${sent.status}`);
      return responseId;
    },
    answers: (responseId) => slack.responses(responseId).map((r) => r.body),
    until,
    async close() {
      await worker.stop();
      await triage.stop(2_000);
      await engine.idle();
      await app.stop();
      await store.close();
      await slack.close();
      await pd?.close();
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

/** Every text of a message's blocks, joined: what a person reads. */
export function readable(message: { blocks: unknown[] } | Record<string, unknown>): string {
  return (
    JSON.stringify(message.blocks ?? [])
      .match(/"text":"((?:[^"\\]|\\.)*)"/g)
      ?.map((m) => JSON.parse(m.slice(7)) as string)
      .join('\n') ?? ''
  );
}
