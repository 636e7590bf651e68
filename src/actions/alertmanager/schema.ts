import { z } from 'zod';
import { Duration, Text } from '../../domain/catalog/schema.ts';
import { parseDuration } from '../../domain/commands/value-types.ts';

export const MAX_SILENCE_SECONDS = 24 * 3600;

function compiles(pattern: string): boolean {
  try {
    new RegExp(`^(?:${pattern})$`);
    return true;
  } catch {
    return false;
  }
}

export const SilenceMatcher = z
  .strictObject({
    name: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a label name like alertname'),
    value: z.string(),
    isRegex: z.boolean().default(false),
    isEqual: z.boolean().default(true),
  })
  .refine((m) => !m.isRegex || compiles(m.value), {
    path: ['value'],
    message: 'is not a valid regular expression',
  });
export type SilenceMatcher = z.infer<typeof SilenceMatcher>;

/** Whether a matcher also matches alerts without the label (Alertmanager refuses silences of only those). */
function matchesEmpty(m: SilenceMatcher): boolean {
  const hit = m.isRegex
    ? compiles(m.value) && new RegExp(`^(?:${m.value})$`).test('')
    : m.value === '';
  return m.isEqual ? hit : !hit;
}

export const SilenceParams = z.strictObject({
  matchers: z
    .array(SilenceMatcher)
    .min(1, 'must list at least one matcher')
    .max(20, 'must list at most 20 matchers')
    .refine((list) => list.some((m) => !matchesEmpty(m)), {
      message: 'would silence every alert: at least one matcher must need a non-empty label value',
    })
    .describe('Label matchers; alerts matching all of them are silenced'),
  duration: Duration.refine((d) => (parseDuration(d) ?? 0) <= MAX_SILENCE_SECONDS, {
    message: 'must be at most 24h',
  }).describe('How long, e.g. 30m, 1h (at most 24h)'),
  comment: Text.max(1_000, 'must be at most 1000 characters').describe(
    'Why, shown in Alertmanager',
  ),
});
export type SilenceParams = z.infer<typeof SilenceParams>;

/** The silence apply created: before it, it did not exist, so revert expires it. */
export const SilenceBefore = z.object({ silenceId: z.string().min(1), existed: z.literal(false) });
