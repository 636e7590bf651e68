import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ErrorCode } from '@slack/bolt';
import { matchRoute } from '../http/match-route.ts';
import type { HttpRoute } from '../http/route.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import { type AcksPending, createAcksPending, trackAck } from './ack-first.ts';
import { guardSlackRequest } from './guard-request.ts';

/** A request stamped with its arrival time, so ack latency includes reading the body. */
export type TimedRequest = IncomingMessage & {
  mcReceivedAt?: number;
  rawBody?: Buffer;
  /** The front server's count of Slack requests not yet answered (see yieldToAcks). */
  mcAcksPending?: AcksPending;
};

export interface FrontServerOptions {
  /** Where Slack posts commands, interactivity and events (HTTP mode). */
  slackPath: string;
  /** HTTP mode: the signing secret and Bolt's request listener. Absent in Socket Mode. */
  slack?: {
    signingSecret: string;
    bodyLimitBytes: number;
    listener: (req: IncomingMessage, res: ServerResponse) => void;
  };
  /** False until Slack answered auth.test: Slack's requests get 503 (it retries) meanwhile. */
  slackReady?: () => boolean;
  /** Ops and webhook routes; in HTTP mode Bolt serves them (customRoutes), else this server. */
  routes: HttpRoute[];
  metrics: Metrics;
  log: Logger;
  /** Open connections at most; more are dropped at once (default 1024). */
  maxConnections?: number;
}

/** Complete headers must arrive within this, from a connection's first byte (or its opening). */
export const HEADERS_TIMEOUT_MS = 10_000;
/** A whole request (a 1 MiB webhook included) must arrive within this. */
export const REQUEST_TIMEOUT_MS = 30_000;

/**
 * The one HTTP server of the bot. Slack's endpoint is guarded (size, signature, shape) before
 * Bolt reads it; every other path goes to Bolt's custom routes in HTTP mode, or to our route
 * table in Socket Mode, where Bolt's own ops server cannot bind a chosen host or port 0.
 */
export function createFrontServer(options: FrontServerOptions): Server {
  const timeouts = {
    // Alertmanager and load balancers reuse connections longer than Node's 5 s default: avoid
    // EOF races on idle keep-alive sockets.
    keepAliveTimeout: 120_000,
    // Half-open and trickling connections are cut after these, checked every second.
    headersTimeout: HEADERS_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    connectionsCheckingInterval: 1_000,
  };
  const acksPending = createAcksPending();
  const server = createServer(timeouts, (req: TimedRequest, res) => {
    req.mcReceivedAt = performance.now();
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (options.slack && path === options.slackPath && req.method === 'POST') {
      req.mcAcksPending = acksPending;
      trackAck(acksPending, res);
      handleSlack(options, req, res).catch((error: unknown) => fail(options.log, res, error));
      return;
    }
    try {
      if (options.slack) options.slack.listener(req, res);
      else serveRoute(options.routes, req, res, path);
    } catch (error) {
      if (isDeferred(error)) notFound(res);
      else fail(options.log, res, error);
    }
  });
  server.keepAliveTimeout = timeouts.keepAliveTimeout;
  server.maxConnections = options.maxConnections ?? 1024;
  return server;
}

async function handleSlack(options: FrontServerOptions, req: TimedRequest, res: ServerResponse) {
  const slack = options.slack!;
  if (options.slackReady && !options.slackReady()) {
    req.resume();
    res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '5' });
    res.end(JSON.stringify({ error: 'slack_not_connected' }));
    return;
  }
  // Read now: a body past the hard cap destroys the socket, and req.socket is null after that.
  const remote = req.socket?.remoteAddress;
  const verdict = await guardSlackRequest(req, {
    signingSecret: slack.signingSecret,
    bodyLimitBytes: slack.bodyLimitBytes,
  });
  if (!verdict.ok) {
    options.metrics.httpRequestsRejected.inc({ route: options.slackPath, reason: verdict.reason });
    options.log.warn(
      {
        route: options.slackPath,
        status: verdict.status,
        reason: verdict.reason,
        remote,
        user_agent: req.headers['user-agent'],
      },
      'slack request refused',
    );
    if (!res.headersSent && !res.destroyed) {
      const text = JSON.stringify({ error: verdict.reason });
      res.writeHead(verdict.status, { 'content-type': 'application/json', connection: 'close' });
      res.end(text);
    }
    return;
  }
  // Bolt reuses a body already read into rawBody; its content-type check is exact-match.
  req.rawBody = verdict.rawBody;
  const mime = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (mime) req.headers['content-type'] = mime;
  slack.listener(req, res);
}

function serveRoute(routes: HttpRoute[], req: TimedRequest, res: ServerResponse, path: string) {
  const match = matchRoute(routes, req.method ?? 'GET', path);
  if (!match) return notFound(res);
  match.route.handler(Object.assign(req, { params: match.params }), res);
}

function isDeferred(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === ErrorCode.HTTPReceiverDeferredRequestError
  );
}

function notFound(res: ServerResponse) {
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: 'not found' }));
}

function fail(log: Logger, res: ServerResponse, error: unknown) {
  log.error({ err: error }, 'http request failed');
  if (!res.headersSent) {
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'internal error' }));
  } else {
    res.destroy();
  }
}
