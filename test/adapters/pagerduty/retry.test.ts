import { describe, expect, it } from 'vitest';
import { PagerDutyError, type PagerDutyErrorKind } from '../../../src/adapters/pagerduty/errors.ts';
import {
  backoffMs,
  DEFAULT_RETRY,
  isRetryable,
  retryAfterMs,
} from '../../../src/adapters/pagerduty/retry.ts';

const NOW = Date.parse('2026-11-22T03:00:00Z');

describe('src/adapters/pagerduty/retry', () => {
  it.each([
    [{ 'retry-after': '3' }, 3_000],
    [{ 'retry-after': '0.5' }, 500],
    [{ 'retry-after': 'Sun, 22 Nov 2026 03:00:05 GMT' }, 5_000],
    [{ 'retry-after': 'Sun, 22 Nov 2026 02:59:00 GMT' }, 0],
    [{ 'ratelimit-reset': '20' }, 20_000],
    [{ 'retry-after': '2', 'ratelimit-reset': '20' }, 2_000],
    [{ 'retry-after': 'soon' }, undefined],
    [{}, undefined],
  ])('reads the wait from %j', (headers, expected) => {
    expect(retryAfterMs(new Headers(headers), NOW)).toBe(expected);
  });

  it('backs off exponentially within the cap', () => {
    const policy = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(backoffMs(0, policy, () => 0)).toBe(50);
    expect(backoffMs(0, policy, () => 1)).toBe(100);
    expect(backoffMs(2, policy, () => 1)).toBe(400);
    expect(backoffMs(10, policy, () => 1)).toBe(1_000);
    expect(backoffMs(10, policy, () => 0)).toBe(500);
  });

  function error(kind: PagerDutyErrorKind, status?: number) {
    return new PagerDutyError({
      kind,
      method: 'GET',
      path: '/incidents',
      pagerDutyMessage: 'x',
      ...(status === undefined ? {} : { status }),
    });
  }

  it.each([
    ['http', 429, false, true],
    ['http', 429, true, true],
    ['http', 500, true, true],
    ['http', 503, true, true],
    ['http', 500, false, false],
    ['http', 400, true, false],
    ['http', 401, true, false],
    ['http', 404, true, false],
    ['network', undefined, true, true],
    ['network', undefined, false, false],
    ['timeout', undefined, true, false],
  ] as const)('%s %s (idempotent: %s) retryable: %s', (kind, status, idempotent, expected) => {
    expect(isRetryable(error(kind, status), idempotent)).toBe(expected);
  });
});
