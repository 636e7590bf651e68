import { jsonEqual } from '../adapters/kubernetes/json.ts';
import { ActionError } from './action-error.ts';
import type { Applied, Intent, Json, Reconciled } from './types.ts';

/**
 * Where `live` stands between an intent's planned `before` and target `after` values: equal to
 * `after` is applied (also when both are equal: a no-op), equal to `before` is not applied yet,
 * anything else was changed by someone else.
 */
export function classify<T>(
  what: string,
  live: T,
  planned: { before: T; after: T },
  show: (value: T) => string,
): Reconciled {
  const { before, after } = planned;
  if (jsonEqual(live, after)) return { state: 'applied', detail: `${what} is ${show(live)}` };
  const wanted = `${show(before)} → ${show(after)}`;
  if (jsonEqual(live, before)) {
    return { state: 'not_applied', detail: `${what} is still ${show(live)} (planned ${wanted})` };
  }
  return { state: 'drifted', detail: `${what} is now ${show(live)}; the plan was ${wanted}` };
}

/**
 * apply() around one change: nothing happens when the intent is already applied (a retry after
 * a crash), and a drifted target is refused rather than overwritten.
 */
export async function applyIntent(
  reconciled: Reconciled,
  intent: Intent,
  change: () => Promise<Json | undefined>,
): Promise<Applied> {
  if (reconciled.state === 'applied') return reconciled.applied ?? { ...intent };
  if (reconciled.state === 'drifted') {
    throw new ActionError(
      'changed',
      `${reconciled.detail}: changed since the plan; not changing it.`,
    );
  }
  const after = await change();
  return { before: intent.before, after: after ?? intent.after };
}
