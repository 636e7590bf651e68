import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Why a request was refused before any handler saw it. */
export type SignatureFailure = 'missing_signature' | 'stale_timestamp' | 'bad_signature';

export type SignatureCheck = { ok: true } | { ok: false; reason: SignatureFailure };

/** Slack's replay window: a request signed more than five minutes from now is refused. */
export const MAX_REQUEST_AGE_SECONDS = 5 * 60;

/**
 * Checks `X-Slack-Signature` against HMAC-SHA256 of `v0:<timestamp>:<raw body>`, in constant
 * time, and the timestamp against the replay window (both directions, as Slack advises).
 */
export function verifySlackSignature(
  signingSecret: string,
  headers: IncomingHttpHeaders,
  rawBody: Buffer,
  nowMs: number = Date.now(),
): SignatureCheck {
  const signature = single(headers['x-slack-signature']);
  const timestamp = single(headers['x-slack-request-timestamp']);
  if (!signature || !timestamp) return { ok: false, reason: 'missing_signature' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'stale_timestamp' };
  if (Math.abs(Math.floor(nowMs / 1000) - Number(timestamp)) > MAX_REQUEST_AGE_SECONDS) {
    return { ok: false, reason: 'stale_timestamp' };
  }
  if (!signature.startsWith('v0=')) return { ok: false, reason: 'bad_signature' };
  const expected = createHmac('sha256', signingSecret)
    .update(`v0:${timestamp}:`)
    .update(rawBody)
    .digest();
  const given = Buffer.from(signature.slice(3), 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'bad_signature' };
  }
  return { ok: true };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? undefined : value;
}
