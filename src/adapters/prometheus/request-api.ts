import type { Logger } from '../../telemetry/logger.ts';
import { PrometheusError } from './prometheus-error.ts';
import { ApiEnvelope } from './schema.ts';

export interface ApiRequest {
  baseUrl: string;
  path: string;
  /** Sent form-encoded in a POST body (Prometheus accepts POST for queries); GET without. */
  form?: URLSearchParams;
  timeoutMs: number;
  log: Logger;
}

/** Calls one /api/v1 endpoint and returns its `data`, or throws a PrometheusError. */
export async function requestApi(request: ApiRequest): Promise<unknown> {
  const { baseUrl, path, form, timeoutMs, log } = request;
  const what = form?.get('query') ? `query ${JSON.stringify(form.get('query'))}` : path;
  const started = Date.now();
  try {
    const data = await send(request, what);
    log.debug({ path, ms: Date.now() - started }, 'prometheus request done');
    return data;
  } catch (error) {
    const err = error instanceof PrometheusError ? error : unreachable(baseUrl, error);
    log.warn(
      { path, ms: Date.now() - started, kind: err.kind, status: err.status, timeoutMs },
      err.message,
    );
    throw err;
  }
}

async function send(request: ApiRequest, what: string): Promise<unknown> {
  const { baseUrl, path, form, timeoutMs } = request;
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${baseUrl}${path}`, {
      method: form ? 'POST' : 'GET',
      headers: { accept: 'application/json', ...(form ? { 'content-type': formType } : {}) },
      ...(form ? { body: form.toString() } : {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') {
      throw new PrometheusError(
        'timeout',
        `Prometheus at ${baseUrl} did not answer the ${what} within ${timeoutMs} ms`,
        { cause: error },
      );
    }
    throw unreachable(baseUrl, error);
  }
  const envelope = parseEnvelope(text);
  if (!response.ok || envelope?.status === 'error') {
    const status = response.status;
    if (envelope?.errorType || envelope?.error) {
      const errorType = envelope.errorType ?? 'unknown';
      throw new PrometheusError(
        'http',
        `Prometheus rejected the ${what} (HTTP ${status}, ${errorType}): ${envelope.error ?? ''}`,
        { status, errorType },
      );
    }
    const snippet = text.trim().slice(0, 200) || response.statusText;
    throw new PrometheusError('http', `Prometheus answered HTTP ${status} to ${path}: ${snippet}`, {
      status,
    });
  }
  if (!envelope) {
    throw new PrometheusError(
      'bad_response',
      `Prometheus at ${baseUrl} sent a response to ${path} that is not its JSON API ` +
        `(is PROMETHEUS_URL pointing at Prometheus?): ${text.trim().slice(0, 120)}`,
      { status: response.status },
    );
  }
  return envelope.data;
}

const formType = 'application/x-www-form-urlencoded';

function parseEnvelope(text: string): ApiEnvelope | undefined {
  try {
    const parsed = ApiEnvelope.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function unreachable(baseUrl: string, error: unknown): PrometheusError {
  const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
  const reason = cause?.code ?? (error instanceof Error ? error.message : String(error));
  return new PrometheusError(
    'unreachable',
    `Prometheus at ${baseUrl} is unreachable (${reason}): check PROMETHEUS_URL and that Prometheus is running`,
    { cause: error },
  );
}
