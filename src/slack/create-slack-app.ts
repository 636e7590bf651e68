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
  /** Largest Slack request body accepted (default 1 MiB). */
  bodyLimitBytes?: number;
}

export interface SlackApp {
  app: App;
  client: SlackWebClient;
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
  const routes = [
    ...createOpsRoutes({ metrics: deps.metrics, readiness: deps.readiness, log: deps.log }),
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
        customPropertiesExtractor: (req) => ({ mcReceivedAt: (req as TimedRequest).mcReceivedAt }),
      });
  const knownIds = deps.botId !== undefined && deps.botUserId !== undefined;
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
  const poster = createResponseUrlPoster();
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
        }
      : {}),
    routes,
    metrics: deps.metrics,
    log: deps.log,
  });
  let started = false;
  async function stop() {
    if (!started) return;
    started = false;
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
    async start(port, host = '127.0.0.1') {
      // auth.test (unless ids were given) runs here, so a bad token fails start-up loudly.
      await app.init();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      started = true;
      if (socketMode) {
        try {
          await app.start();
        } catch (error) {
          await stop();
          throw error;
        }
      }
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
