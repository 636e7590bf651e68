import type { z } from 'zod';
import { DoraInput } from './schema.ts';
import { durationMs } from './stats.ts';

/** `changes.3.at: must be an ISO-8601 time with an offset`: one line per problem, field named. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map(
    (issue) => `${issue.path.map(String).join('.') || '(top level)'}: ${issue.message}`,
  );
}

/** Validates `mc dora` input; every problem is listed with the field it is about. */
export function parseDoraInput(
  data: unknown,
): { ok: true; input: DoraInput } | { ok: false; problems: string[] } {
  const parsed = DoraInput.safeParse(data);
  if (parsed.success) return { ok: true, input: parsed.data };
  return { ok: false, problems: formatIssues(parsed.error.issues) };
}

/** A bad `--since`/`--until`, with the flag named. */
export class WindowError extends Error {}

function parseTime(flag: string, text: string, relativeTo: Date | undefined): Date {
  const span = durationMs(text);
  if (span !== undefined) {
    if (!relativeTo) throw new WindowError(`${flag} must be a date, not a duration`);
    return new Date(relativeTo.getTime() - span);
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return new Date(`${text}T00:00:00Z`);
  const time = Date.parse(text);
  if (Number.isNaN(time) || !/^\d{4}-\d{2}-\d{2}T/.test(text)) {
    throw new WindowError(
      `${flag} "${text}" is neither a date (2026-11-01, 2026-11-01T09:00:00Z) nor a duration (30d, 12h, 2w)`,
    );
  }
  return new Date(time);
}

/**
 * The window [since, until): `until` a date (default now), `since` a date or a duration before
 * `until` (default 30d).
 */
export function parseWindow(
  flags: { since?: string | undefined; until?: string | undefined },
  now: Date,
): { since: Date; until: Date } {
  const until = flags.until === undefined ? now : parseTime('--until', flags.until, undefined);
  const since = parseTime('--since', flags.since ?? '30d', until);
  if (since.getTime() >= until.getTime()) {
    throw new WindowError(
      `--since (${since.toISOString()}) must be before --until (${until.toISOString()})`,
    );
  }
  return { since, until };
}
