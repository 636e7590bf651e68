import type { PagerDutyError } from './errors.ts';

/** How hard the client tries again after 429, 5xx and network failures. */
export interface RetryPolicy {
  /** Retries after the first attempt; total attempts are maxRetries + 1. */
  maxRetries: number;
  /** First backoff for 5xx and network errors; doubles each retry. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A 429 asking to wait longer than this fails at once instead of holding the caller. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxRetries: 2,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 30_000,
};

/** Exponential backoff with equal jitter: half fixed, half random, capped. */
export function backoffMs(attempt: number, policy: RetryPolicy, random = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * Milliseconds a 429 asks us to wait: `Retry-After` (seconds or HTTP date), else PagerDuty's
 * `ratelimit-reset` seconds; undefined when neither header is usable.
 */
export function retryAfterMs(
  headers: { get(name: string): string | null },
  now = Date.now(),
): number | undefined {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.ceil(Number(retryAfter) * 1000);
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const reset = headers.get('ratelimit-reset')?.trim();
  if (reset && /^\d+$/.test(reset)) return Number(reset) * 1000;
  return undefined;
}

/**
 * Whether a failed attempt may be sent again. A 429 was never processed, so any request may;
 * 5xx and network errors only for idempotent requests (a repeated POST would add a second note).
 */
export function isRetryable(error: PagerDutyError, idempotent: boolean): boolean {
  if (error.status === 429) return true;
  if (!idempotent) return false;
  if (error.kind === 'network') return true;
  return error.status !== undefined && [500, 502, 503, 504].includes(error.status);
}
