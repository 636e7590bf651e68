import type { TriageMetrics } from '../triage/triage-metrics.ts';

/** A Slack call's result: the value, a rate limit to wait out, or the error code. */
export type CallResult<T> =
  | { ok: true; value: T }
  | { ok: false; retryAfterMs: number; error: 'ratelimited' }
  | { ok: false; retryAfterMs?: undefined; error: string };

/**
 * The Retry-After of a rate-limited call, in ms: from WebAPIRateLimitedError (clients built
 * with rejectRateLimitedCalls) or from the error a client throws after waiting it out itself.
 */
export function retryAfterMs(error: unknown): number | undefined {
  const e = error as { code?: string; retryAfter?: number; message?: string } | undefined;
  if (e?.code === 'slack_webapi_rate_limited_error' && typeof e.retryAfter === 'number') {
    return e.retryAfter * 1000;
  }
  const waited = /rate limit was exceeded.*retry-after: (\d+)/i.exec(e?.message ?? '');
  return waited?.[1] ? Number(waited[1]) * 1000 : undefined;
}

/** Slack's error code (`channel_not_found`), or the error's message. */
export function slackErrorCode(error: unknown): string {
  const e = error as { data?: { error?: string }; code?: string; message?: string } | undefined;
  return e?.data?.error ?? e?.code ?? e?.message ?? String(error);
}

/** Makes one Slack call, counting it by method and outcome; never throws. */
export async function slackCall<T>(
  method: string,
  metrics: Pick<TriageMetrics, 'slackCalls'>,
  call: () => Promise<T>,
): Promise<CallResult<T>> {
  try {
    const value = await call();
    metrics.slackCalls.inc({ method, outcome: 'ok' });
    return { ok: true, value };
  } catch (error) {
    const wait = retryAfterMs(error);
    if (wait !== undefined) {
      metrics.slackCalls.inc({ method, outcome: 'rate_limited' });
      return { ok: false, retryAfterMs: wait, error: 'ratelimited' };
    }
    metrics.slackCalls.inc({ method, outcome: 'error' });
    return { ok: false, error: slackErrorCode(error) };
  }
}
