import type { Logger } from '../../telemetry/logger.ts';
import { AlertmanagerError } from './alertmanager-error.ts';

export interface JsonRequest {
  baseUrl: string;
  method: 'GET' | 'POST' | 'DELETE';
  /** Path and query, e.g. `/api/v2/alerts?active=true`. */
  path: string;
  body?: unknown;
  timeoutMs: number;
  log: Logger;
  /** Statuses answered as `undefined` instead of an error (404 for a lookup). */
  allow?: number[];
}

/** Sends one API v2 request; resolves with the parsed JSON (undefined for an empty body). */
export async function requestJson(request: JsonRequest): Promise<unknown> {
  const { baseUrl, method, path, log } = request;
  const started = Date.now();
  try {
    const result = await send(request);
    log.debug({ method, path, ms: Date.now() - started }, 'alertmanager request done');
    return result;
  } catch (error) {
    const err =
      error instanceof AlertmanagerError
        ? error
        : new AlertmanagerError('unreachable', unreachableMessage(baseUrl, error), {
            cause: error,
          });
    log.warn(
      { method, path, ms: Date.now() - started, kind: err.kind, status: err.status },
      err.message,
    );
    throw err;
  }
}

async function send(request: JsonRequest): Promise<unknown> {
  const { baseUrl, method, path, body, timeoutMs } = request;
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') {
      throw new AlertmanagerError(
        'timeout',
        `Alertmanager at ${baseUrl} did not answer ${method} ${path} within ${timeoutMs} ms`,
        { cause: error },
      );
    }
    throw error;
  }
  if (request.allow?.includes(response.status)) return undefined;
  if (!response.ok) {
    const status = response.status;
    throw new AlertmanagerError(
      'http',
      `Alertmanager refused ${method} ${path} (HTTP ${status}): ${errorText(text) || response.statusText}`,
      { status },
    );
  }
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new AlertmanagerError(
      'bad_response',
      `Alertmanager at ${baseUrl} answered ${path} with something that is not JSON ` +
        `(is ALERTMANAGER_URL pointing at Alertmanager?): ${text.trim().slice(0, 120)}`,
      { status: response.status },
    );
  }
}

// Alertmanager answers errors as a JSON string, as {code, message}, or as plain text.
function errorText(text: string): string {
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json === 'string') return json;
    if (json && typeof json === 'object' && 'message' in json) return String(json.message);
  } catch {}
  return text.trim().slice(0, 200);
}

function unreachableMessage(baseUrl: string, error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
  const reason = cause?.code ?? (error instanceof Error ? error.message : String(error));
  return `Alertmanager at ${baseUrl} is unreachable (${reason}): check ALERTMANAGER_URL and that Alertmanager is running`;
}
