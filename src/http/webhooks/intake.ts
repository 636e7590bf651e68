import type { ServerResponse } from 'node:http';
import type { Inbox, InboxSource } from '../../store/inbox.ts';
import type { Logger } from '../../telemetry/logger.ts';
import type { Metrics } from '../../telemetry/metrics.ts';
import type { RouteRequest } from '../route.ts';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.ts';
import { isJsonContentType, readBody } from './read-body.ts';

/** How a webhook request ended, as counted in `mc_webhooks_total{outcome}`. */
export type WebhookOutcome =
  | 'accepted'
  | 'duplicate'
  | 'ignored'
  | 'unauthorized'
  | 'unconfigured'
  | 'invalid'
  | 'too_large'
  | 'aborted'
  | 'error';

/** What a webhook route needs besides its secret. */
export interface IntakeDeps {
  inbox: Pick<Inbox, 'accept'>;
  /** Told after each accepted delivery, so processing starts without waiting for a poll. */
  worker: { nudge(): void };
  log: Logger;
  metrics: Metrics;
}

/** One request in flight: its source and arrival time, for the metrics of its answer. */
export interface Intake {
  source: InboxSource;
  started: number;
  req: RouteRequest;
  res: ServerResponse;
}

/** Starts timing at the front server's arrival stamp when there is one. */
export function beginIntake(source: InboxSource, req: RouteRequest, res: ServerResponse): Intake {
  const stamped = (req as { mcReceivedAt?: number }).mcReceivedAt;
  return { source, started: stamped ?? performance.now(), req, res };
}

/** Answers with JSON, counts the outcome and observes the latency. Safe on a dead socket. */
export function reply(
  deps: Pick<IntakeDeps, 'metrics'>,
  intake: Intake,
  status: number,
  outcome: WebhookOutcome,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const { res, source } = intake;
  deps.metrics.webhooksTotal.inc({ source, outcome });
  deps.metrics.webhookSeconds.observe({ source }, (performance.now() - intake.started) / 1000);
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** Who sent a request, for log lines about refusals (never its credentials). */
export function requester(req: RouteRequest): Record<string, unknown> {
  return { remote: req.socket?.remoteAddress, user_agent: req.headers['user-agent'] };
}

/**
 * Stores the delivery and answers only after the insert committed: 202 for a new delivery,
 * 200 for a duplicate, 503 with Retry-After when the store fails (the sender retries later).
 */
export async function storeDelivery(
  deps: IntakeDeps,
  intake: Intake,
  deliveryId: string,
  payload: unknown,
  details: Record<string, unknown>,
  options: { eventId?: string } = {},
): Promise<void> {
  const { source } = intake;
  let result: Awaited<ReturnType<IntakeDeps['inbox']['accept']>>;
  try {
    result = await deps.inbox.accept(source, deliveryId, payload, options);
  } catch (error) {
    if ((error as { code?: unknown }).code === '22P05') {
      // jsonb cannot hold U+0000; no retry would ever succeed.
      deps.log.warn({ source, deliveryId, ...details }, 'webhook refused: body contains \\u0000');
      reply(deps, intake, 400, 'invalid', {
        error: 'the body contains the character \\u0000, which cannot be stored',
      });
      return;
    }
    deps.log.error({ err: error, source, deliveryId }, 'webhook not stored: inbox unavailable');
    reply(
      deps,
      intake,
      503,
      'error',
      { error: 'storage unavailable, retry later' },
      {
        'retry-after': '5',
      },
    );
    return;
  }
  if (!result.accepted) {
    deps.log.info({ source, deliveryId, ...details }, 'webhook duplicate ignored');
    reply(deps, intake, 200, 'duplicate', { status: 'duplicate' });
    return;
  }
  deps.log.info({ source, deliveryId, inboxId: result.id, ...details }, 'webhook accepted');
  reply(deps, intake, 202, 'accepted', { status: 'accepted', id: result.id });
  deps.worker.nudge();
}

/**
 * Reads a JSON body within the limit. Answers 415 (not JSON), 413 (too large) or 400 (aborted)
 * itself and returns undefined; otherwise the raw bytes.
 */
export async function readJsonBody(
  deps: IntakeDeps,
  intake: Intake,
  limitBytes: number,
): Promise<Buffer | undefined> {
  const { req, source } = intake;
  if (!isJsonContentType(req.headers['content-type'])) {
    deps.log.warn({ source, contentType: req.headers['content-type'] }, 'webhook not JSON');
    reply(deps, intake, 415, 'invalid', { error: 'expected Content-Type: application/json' });
    return undefined;
  }
  const read = await readBody(req, limitBytes);
  if (read.ok) {
    if (!nestsDeeperThan(read.body)) return read.body;
    deps.log.warn({ source, limit: MAX_JSON_DEPTH, ...requester(req) }, 'webhook nested too deep');
    reply(deps, intake, 400, 'invalid', {
      error: `JSON nested deeper than ${MAX_JSON_DEPTH} levels; it can never be stored`,
    });
    return undefined;
  }
  if (read.reason === 'too_large') replyTooLarge(deps, intake, limitBytes);
  else {
    deps.log.warn({ source, ...requester(req) }, 'webhook aborted by the client');
    reply(deps, intake, 400, 'aborted', { error: 'request aborted' });
  }
  return undefined;
}

/** The 413 answer; the connection closes, as the rest of the body was not read. */
export function replyTooLarge(deps: IntakeDeps, intake: Intake, limitBytes: number): void {
  deps.log.warn(
    { source: intake.source, limitBytes, ...requester(intake.req) },
    'webhook too large',
  );
  reply(
    deps,
    intake,
    413,
    'too_large',
    { error: `body over ${limitBytes} bytes` },
    { connection: 'close' },
  );
}

/** Logs a refusal for lack of configuration at most once a minute, as senders retry often. */
export function unconfiguredWarner(log: Logger, message: string): () => void {
  let last = Number.NEGATIVE_INFINITY;
  return () => {
    const now = Date.now();
    if (now - last < 60_000) return;
    last = now;
    log.warn(message);
  };
}
