import type { Logger } from '../telemetry/logger.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import type { TriageMetrics } from '../telemetry/triage-metrics.ts';
import type { ActionRequest } from './listeners/action-listener.ts';
import { reply, section } from './render/blocks.ts';
import { mrkdwnWithDates } from './render/text-dates.ts';

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

/** The Slack error code of a Web API failure (`message_not_found`), else undefined. */
export function slackErrorCode(error: unknown): string | undefined {
  const data = (error as { data?: { error?: unknown } } | null)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

/** Slack's error code (`channel_not_found`), else the client's error code or message. */
export function describeSlackError(error: unknown): string {
  const e = error as { code?: string; message?: string } | undefined;
  return slackErrorCode(error) ?? e?.code ?? e?.message ?? String(error);
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
    return { ok: false, error: describeSlackError(error) };
  }
}

/** Runs one Slack call; a failure is logged with context and counted, then returned, never thrown. */
export async function guardedCall<T>(
  what: {
    method: string;
    run?: string;
    log: Logger;
    errors: Metrics['runMessageErrors'] | undefined;
  },
  call: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown; code: string | undefined }> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    const code = slackErrorCode(error);
    what.errors?.inc({ method: what.method });
    what.log.error(
      { err: error, run: what.run, method: what.method, slack_error: code },
      'slack call for a run message failed',
    );
    return { ok: false, error, code };
  }
}

/** Answers only the person who typed or clicked, with one line of text (moments as date tokens). */
export function tell(request: Pick<ActionRequest, 'respond'>, text: string) {
  return request.respond(reply(text, [section(mrkdwnWithDates(text))]));
}
