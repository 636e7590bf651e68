import { createHmac, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import { PagerDutyWebhook, type PagerDutyWebhookEvent } from './schema.ts';

const SIGNATURE = /^[0-9a-f]{64}$/i;

/**
 * Checks `X-PagerDuty-Signature` against the raw body: true when any `v1=` signature in the
 * comma-separated header matches the HMAC-SHA256 of any configured secret (both sides may rotate).
 * Unknown versions and malformed entries are ignored; comparison is constant-time.
 */
export function verifyPagerDutySignature(
  rawBody: Buffer,
  header: string | undefined,
  secrets: string[],
): boolean {
  if (!header) return false;
  const offered = header
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith('v1='))
    .map((part) => part.slice(3))
    .filter((hex) => SIGNATURE.test(hex))
    .map((hex) => Buffer.from(hex, 'hex'));
  if (offered.length === 0) return false;
  let matched = false;
  for (const secret of secrets) {
    if (secret === '') continue;
    const expected = createHmac('sha256', secret).update(rawBody).digest();
    // Every pair is compared, without stopping early, so timing does not reveal which one matched.
    for (const signature of offered) {
      if (signature.length === expected.length && timingSafeEqual(signature, expected)) {
        matched = true;
      }
    }
  }
  return matched;
}

export type ParsedWebhook =
  | { ok: true; event: PagerDutyWebhookEvent }
  | { ok: false; error: string };

/** Parses a V3 webhook body leniently: required fields checked, unknown fields kept. */
export function parsePagerDutyWebhook(rawBody: Buffer | string): ParsedWebhook {
  const text = Buffer.isBuffer(rawBody) ? rawBody.toString('utf8') : rawBody;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, error: `PagerDuty webhook body is not JSON: ${reason}` };
  }
  const result = PagerDutyWebhook.safeParse(json);
  if (result.success) return { ok: true, event: result.data.event };
  const problems = flatten(result.error.issues, json);
  return {
    ok: false,
    error: `PagerDuty webhook body is not a V3 event: ${problems.join('; ')}`,
  };
}

/**
 * Lists issues as `path: message`. For the union over `event.data`, keeps only the branch the
 * body's own `type` selects, so a broken incident says which incident field is wrong.
 */
function flatten(issues: z.core.$ZodIssue[], input: unknown, prefix: PropertyKey[] = []): string[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const branch = chooseBranch(issue.errors, valueAt(input, path));
      return flatten(branch, input, path);
    }
    return [`${path.map(String).join('.') || '(body)'}: ${issue.message}`];
  });
}

function chooseBranch(branches: z.core.$ZodIssue[][], value: unknown): z.core.$ZodIssue[] {
  const hasType = typeof (value as { type?: unknown } | null)?.type === 'string';
  const typeFits = (issues: z.core.$ZodIssue[]) =>
    !issues.some((i) => i.path.length === 1 && i.path[0] === 'type');
  return (hasType ? branches.find(typeFits) : undefined) ?? branches[0] ?? [];
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
