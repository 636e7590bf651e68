import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../telemetry/logger.ts';
import { PagerDutyError } from './errors.ts';
import { backoffMs, isRetryable, type RetryPolicy, retryAfterMs } from './retry.ts';
import { PagerDutyErrorBody } from './schema.ts';

export interface TransportOptions {
  token: string;
  /** Base URL without trailing slash, `https://api.pagerduty.com` or an emulator's. */
  apiUrl: string;
  /** Deadline of one attempt, including pdjs's own 429 waits. */
  timeoutMs: number;
  retry: RetryPolicy;
  /** pdjs's fixed wait before each of its own three 429 re-sends. */
  rateLimitRetryMs: number;
  log: Logger;
}

export interface PagerDutyRequest {
  method: 'GET' | 'PUT' | 'POST';
  /** Path under the API base, starting with `/`, without query. */
  path: string;
  query?: Record<string, string | string[]>;
  body?: object;
  /** Email for the `From` header that writes require. */
  from?: string;
}

/** Sends one REST request and resolves with PagerDuty's JSON, or rejects with PagerDutyError. */
export type Transport = (request: PagerDutyRequest) => Promise<unknown>;

type Outcome = { ok: true; data: unknown } | { ok: false; error: PagerDutyError; waitMs?: number };

/**
 * Calls pdjs's `api()` with a full `url` (its `server` option forces https, which would rule out
 * emulators), adds a real per-attempt deadline (pdjs's `requestTimeout` only starts an idle
 * timer), and retries 429/5xx with bounded backoff. pdjs re-sends a 429 three times itself after
 * `retryTimeout` without reading Retry-After; a 429 that survives that is retried here after the
 * Retry-After / ratelimit-reset PagerDuty asked for.
 */
export function createTransport(options: TransportOptions): Transport {
  const { retry, log } = options;
  return async function send(request) {
    const idempotent = request.method !== 'POST';
    for (let attempt = 0; attempt <= retry.maxRetries; attempt += 1) {
      const outcome = await attemptOnce(options, request);
      if (outcome.ok) return outcome.data;
      const { error } = outcome;
      if (attempt === retry.maxRetries || !isRetryable(error, idempotent)) throw error;
      const waitMs =
        error.status === 429
          ? (outcome.waitMs ?? backoffMs(attempt, retry))
          : backoffMs(attempt, retry);
      if (waitMs > retry.maxRetryAfterMs) throw tooLongToWait(error, waitMs, retry);
      log.warn(
        {
          method: request.method,
          path: request.path,
          status: error.status,
          attempt: attempt + 1,
          waitMs,
        },
        'pagerduty: retrying',
      );
      await sleep(waitMs);
    }
    throw new Error('unreachable: the retry loop always returns or throws');
  };
}

async function attemptOnce(options: TransportOptions, request: PagerDutyRequest): Promise<Outcome> {
  // Loaded on the first call, so a bot without PagerDuty never pays for pdjs.
  const { api } = await import('@pagerduty/pdjs');
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve('timeout');
    }, options.timeoutMs);
  });
  try {
    const call = api({
      url: `${options.apiUrl}${request.path}`,
      method: request.method,
      token: options.token,
      tokenType: 'token',
      headers: request.from ? { From: request.from } : {},
      ...(request.query ? { queryParameters: request.query } : {}),
      ...(request.body ? { data: request.body } : {}),
      requestTimeout: 0,
      retryTimeout: options.rateLimitRetryMs,
      signal: controller.signal,
    }).then(
      (response) => ({ response }),
      (failure: unknown) => ({ failure }),
    );
    const result = await Promise.race([call, deadline]);
    if (result === 'timeout') {
      const message = `no answer within ${options.timeoutMs} ms`;
      return { ok: false, error: failure(request, 'timeout', message) };
    }
    if ('failure' in result) return fromRejection(request, result.failure);
    return fromResponse(request, result.response);
  } finally {
    clearTimeout(timer);
  }
}

function fromResponse(request: PagerDutyRequest, response: Response & { data?: unknown }): Outcome {
  if (response.ok) return { ok: true, data: response.data };
  const body = PagerDutyErrorBody.safeParse(response.data);
  const error = new PagerDutyError({
    kind: 'http',
    method: request.method,
    path: request.path,
    status: response.status,
    pagerDutyMessage: body.success ? body.data.error.message : statusText(response),
    ...(body.success && body.data.error.code !== undefined ? { code: body.data.error.code } : {}),
    ...(body.success && body.data.error.errors ? { errors: body.data.error.errors } : {}),
  });
  return { ok: false, error, ...waitFor(response) };
}

// pdjs rejects with the Response itself when the body is not JSON (a proxy's HTML 502...).
function fromRejection(request: PagerDutyRequest, rejection: unknown): Outcome {
  if (isResponse(rejection)) {
    if (rejection.ok) {
      const message = `answered ${rejection.status} with a body that is not JSON`;
      return { ok: false, error: failure(request, 'invalid_response', message) };
    }
    const error = new PagerDutyError({
      kind: 'http',
      method: request.method,
      path: request.path,
      status: rejection.status,
      pagerDutyMessage: statusText(rejection),
    });
    return { ok: false, error, ...waitFor(rejection) };
  }
  const message = rejection instanceof Error ? rejection.message : String(rejection);
  return { ok: false, error: failure(request, 'network', message, rejection) };
}

function waitFor(response: Response): { waitMs?: number } {
  if (response.status !== 429) return {};
  const waitMs = retryAfterMs(response.headers);
  return waitMs === undefined ? {} : { waitMs };
}

function isResponse(value: unknown): value is Response {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Response).status === 'number' &&
    typeof (value as Response).headers?.get === 'function'
  );
}

function statusText(response: Response): string {
  return response.statusText || `HTTP ${response.status}`;
}

function failure(
  request: PagerDutyRequest,
  kind: 'timeout' | 'network' | 'invalid_response',
  message: string,
  cause?: unknown,
): PagerDutyError {
  const init = { kind, method: request.method, path: request.path, pagerDutyMessage: message };
  return new PagerDutyError(cause === undefined ? init : { ...init, cause });
}

function tooLongToWait(error: PagerDutyError, waitMs: number, retry: RetryPolicy): PagerDutyError {
  return new PagerDutyError({
    kind: error.kind,
    method: error.method,
    path: error.path,
    ...(error.status === undefined ? {} : { status: error.status }),
    ...(error.code === undefined ? {} : { code: error.code }),
    pagerDutyMessage: `${error.pagerDutyMessage}; PagerDuty asks to wait ${Math.ceil(waitMs / 1000)} s, longer than the ${Math.ceil(retry.maxRetryAfterMs / 1000)} s allowed`,
    cause: error,
  });
}
