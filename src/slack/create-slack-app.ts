import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, type CustomRoute, HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import type { LoadedConfig } from '../config/load-config.ts';
import { createOpsRoutes, type ReadinessProbe } from '../http/ops-routes.ts';
import type { HttpRoute } from '../http/route.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import { boltLogger } from './bolt-logger.ts';
import type { CommandHandlers } from './commands/types.ts';
import { createFrontServer, type TimedRequest } from './http-front.ts';
import { type ActionHandler, registerActionListener } from './listeners/action-listener.ts';
import { registerCommandListener } from './listeners/command-listener.ts';
import { registerMentionListener } from './listeners/mention-listener.ts';
import type { RequestDedupe } from './request-dedupe.ts';
import { createResponseUrlPoster } from './response-url.ts';
import { createSlackAuth, type SlackAuth, type SlackAuthState } from './slack-auth.ts';
import { type SlackWebClient, slackClientOptions } from './web-client.ts';

export interface SlackAppDeps {
  botToken: string;
  /** Required in HTTP mode. */
  signingSecret?: string;
  /** Socket Mode when set. */
  appToken?: string;
  /** Web API base URL (emulator), ending in /api/. */
  slackApiUrl?: string;
  /** Known bot ids skip the auth.test call at start. */
  botId?: string;
  botUserId?: string;
  /** Web API client retries (tests: 0). */
  clientRetries?: number;
  config: LoadedConfig;
  log: Logger;
  metrics: Metrics;
  dedupe: RequestDedupe;
  readiness: ReadinessProbe;
  /** Mounted next to the ops routes: /webhooks/*, /evidence/*. */
  extraRoutes?: HttpRoute[];
  /** Real handlers per verb; verbs without one answer what was understood. */
  handlers?: CommandHandlers;
  actionHandlers?: Record<string, ActionHandler>;
  /** First wait before asking an unreachable Slack again (default 2 s, doubling to 60 s). */
  slackRetryMs?: number;
  /** Largest Slack request body accepted (default 1 MiB). */
  bodyLimitBytes?: number;
}

export interface SlackApp {
  app: App;
  client: SlackWebClient;
  /** Where the bot stands with Slack (checked in the background after start). */
  slackAuth(): SlackAuthState;
  /** Listens on host (default 127.0.0.1) and port (0 for any); resolves with the bound port. */
  start(port: number, host?: string): Promise<{ port: number }>;
  stop(): Promise<void>;
}

export const SLACK_EVENTS_PATH = '/slack/events';
const ONE_MIB = 1024 * 1024;

/** Builds the Bolt app with our listeners, routes and guards; nothing listens until start(). */
export function createSlackApp(deps: SlackAppDeps): SlackApp {
  const socketMode = Boolean(deps.appToken);
  if (!socketMode && !deps.signingSecret) {
    throw new Error('SLACK_SIGNING_SECRET is required in HTTP mode (or set SLACK_APP_TOKEN)');
  }
  const logger = boltLogger(deps.log);
  const knownIds = deps.botId !== undefined && deps.botUserId !== undefined;
  // Assigned below; the readiness probe only runs once the server listens.
  let auth: SlackAuth | undefined;
  const readiness: ReadinessProbe = async () => {
    const store = await deps.readiness();
    const slack = auth?.state() ?? { status: 'checking', detail: 'not started' };
    return {
      ready: store.ready && slack.status === 'ok',
      checks: {
        ...store.checks,
        slack: slack.status === 'ok' ? slack.detail : `${slack.status}: ${slack.detail}`,
      },
    };
  };
  const routes = [
    ...createOpsRoutes({ metrics: deps.metrics, readiness, log: deps.log }),
    ...(deps.extraRoutes ?? []),
  ];
  const bodyLimitBytes = deps.bodyLimitBytes ?? ONE_MIB;
  const clientOptions = () =>
    slackClientOptions({
      log: deps.log,
      ...(deps.slackApiUrl ? { slackApiUrl: deps.slackApiUrl } : {}),
      ...(deps.clientRetries !== undefined ? { retries: deps.clientRetries } : {}),
    });
  // Socket Mode: Bolt's receiver would serve customRoutes on its own server, which cannot bind
  // a host or report port 0; our front server serves the ops routes on the chosen port instead.
  const receiver = socketMode
    ? new SocketModeReceiver({
        appToken: deps.appToken!,
        logger,
        installerOptions: { clientOptions: clientOptions() },
      })
    : new HTTPReceiver({
        signingSecret: deps.signingSecret!,
        endpoints: SLACK_EVENTS_PATH,
        customRoutes: routes.map(toCustomRoute),
        processBeforeResponse: false,
        signatureVerification: true,
        bodyLimit: bodyLimitBytes,
        logger,
        customPropertiesExtractor: (req) => ({
          mcReceivedAt: (req as TimedRequest).mcReceivedAt,
          mcAcksPending: (req as TimedRequest).mcAcksPending,
        }),
      });
  const app = new App({
    token: deps.botToken,
    receiver,
    logger,
    // Bolt's in-memory conversation store is per process and unused here: skip its middleware.
    convoStore: false,
    deferInitialization: true,
    tokenVerificationEnabled: !knownIds,
    ...(knownIds ? { botId: deps.botId, botUserId: deps.botUserId } : {}),
    clientOptions: clientOptions(),
  });
  const poster = createResponseUrlPoster(deps.slackApiUrl ? { slackApiUrl: deps.slackApiUrl } : {});
  const listenerDeps = { ...deps, postToResponseUrl: poster.post };
  app.error(async (error) => {
    deps.log.error({ err: error }, 'unhandled error in a Slack listener');
  });
  registerCommandListener(app, listenerDeps);
  registerActionListener(app, listenerDeps);
  registerMentionListener(app, listenerDeps);

  const server: Server = createFrontServer({
    slackPath: SLACK_EVENTS_PATH,
    ...(receiver instanceof HTTPReceiver
      ? {
          slack: {
            signingSecret: deps.signingSecret!,
            bodyLimitBytes,
            listener: receiver.requestListener,
          },
          slackReady: () => auth?.state().status === 'ok',
        }
      : {}),
    routes,
    metrics: deps.metrics,
    log: deps.log,
  });
  auth = createSlackAuth({
    botToken: deps.botToken,
    ...(deps.slackApiUrl ? { slackApiUrl: deps.slackApiUrl } : {}),
    log: deps.log,
    knownIds,
    ...(deps.slackRetryMs !== undefined ? { retryMs: deps.slackRetryMs } : {}),
    onReachable: async () => {
      // Bolt's init runs auth.test once more (unless ids were given) and sets up authorize.
      await app.init();
      if (socketMode) await app.start();
    },
  });
  let started = false;
  async function stop() {
    if (!started) return;
    started = false;
    await auth?.stop();
    if (socketMode) {
      await app.stop().catch((error: unknown) => {
        deps.log.warn({ err: error }, 'socket mode did not disconnect cleanly');
      });
    }
    await new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
    poster.close();
  }
  return {
    app,
    client: app.client,
    slackAuth: () => auth!.state(),
    async start(port, host = '127.0.0.1') {
      // Listen first: /healthz answers at once, /readyz says where Slack stands.
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      started = true;
      // The first auth.test (or Socket Mode connect) is awaited: it answers or fails fast, and
      // a failure is logged and retried in the background, never thrown.
      await auth!.start();
      const bound = (server.address() as AddressInfo).port;
      deps.log.info(
        { port: bound, host, mode: socketMode ? 'socket' : 'http' },
        'slack app listening',
      );
      return { port: bound };
    },
    stop,
  };
}

/** Bolt's route params may hold arrays (wildcards); our routes see single strings. */
function toCustomRoute(route: HttpRoute): CustomRoute {
  return {
    path: route.path,
    method: route.method,
    handler: (req, res) => {
      const params: Record<string, string> = {};
      for (const [key, value] of Object.entries(req.params ?? {})) {
        params[key] = Array.isArray(value) ? value.join('/') : String(value);
      }
      route.handler(Object.assign(req, { params }), res);
    },
  };
}
