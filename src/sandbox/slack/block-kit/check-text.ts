import type { Problems } from './limits.ts';

export type TextKind = 'plain_text' | 'mrkdwn' | 'any';

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The value as a plain object, or undefined. */
export function asObject(value: unknown): Record<string, unknown> | undefined {
  return isObject(value) ? value : undefined;
}

/** Records a problem when a string is missing, empty or longer than `max`. */
export function checkString(
  problems: Problems,
  pointer: string,
  value: unknown,
  max: number,
  options: { required?: boolean } = {},
): void {
  if (value === undefined && !options.required) return;
  if (typeof value !== 'string') {
    problems.push({ pointer, message: 'must be a string' });
    return;
  }
  if (value.length === 0) problems.push({ pointer, message: 'must be more than 0 characters' });
  if (value.length > max) {
    problems.push({ pointer, message: `must be less than ${max + 1} characters` });
  }
}

/**
 * A text object: `plain_text` or `mrkdwn` (as `kind` allows), non-empty, at most `max`
 * characters; `emoji` belongs to plain_text only, `verbatim` to mrkdwn only.
 */
export function checkText(
  problems: Problems,
  pointer: string,
  value: unknown,
  kind: TextKind,
  max: number,
): void {
  const text = asObject(value);
  if (!text) {
    problems.push({ pointer, message: 'must be a text object' });
    return;
  }
  if (text.type !== 'plain_text' && text.type !== 'mrkdwn') {
    problems.push({ pointer: `${pointer}/type`, message: 'must be plain_text or mrkdwn' });
    return;
  }
  if (kind !== 'any' && text.type !== kind) {
    problems.push({ pointer: `${pointer}/type`, message: `must be ${kind}` });
  }
  if (text.type === 'mrkdwn' && 'emoji' in text) {
    problems.push({ pointer: `${pointer}/emoji`, message: 'emoji is only allowed on plain_text' });
  }
  if (text.type === 'plain_text' && 'verbatim' in text) {
    problems.push({
      pointer: `${pointer}/verbatim`,
      message: 'verbatim is only allowed on mrkdwn',
    });
  }
  checkString(problems, `${pointer}/text`, text.text, max, { required: true });
}
