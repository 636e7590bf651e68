import type { z } from 'zod';
import { ActionError } from './action-error.ts';
import type { Json } from './types.ts';

/** Reads a persisted `before` back; a malformed one fails loudly instead of half-reverting. */
export function parseBefore<T>(schema: z.ZodType<T>, before: Json, action: string): T {
  const parsed = schema.safeParse(before);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const at = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
  throw new ActionError(
    'invalid_before',
    `${action}: the saved "before" state cannot be restored${at}: ${issue?.message ?? 'invalid'}`,
  );
}

/** A value as JSON for `before`/`after` (drops undefined, turns Dates into strings). */
export function asJson(value: unknown): Json {
  return JSON.parse(JSON.stringify(value ?? null)) as Json;
}
