import { ACTIVE, type RunTarget } from '../domain/runs/index.ts';
import type { Queryable } from '../store/db.ts';
import { formatAge } from './format-age.ts';
import { type StoredRun, selectRuns } from './run-store.ts';

const ACTIVE_LIST = [...ACTIVE];

/** The run holding a target's lock, if any. */
export async function lockHolder(q: Queryable, target: RunTarget): Promise<StoredRun | undefined> {
  const [holder] = await selectRuns(q, 'service = $1 AND env = $2 AND state = ANY($3::text[])', [
    target.service,
    target.env,
    ACTIVE_LIST,
  ]);
  return holder;
}

/**
 * "`checkout` in `prod` is locked by run r_… (rollback by <@U…>, started 3 min ago). Wait
 * for it or cancel it." An interrupted holder asks for Resume or Revert instead.
 */
export function lockedMessage(target: RunTarget, holder: StoredRun | undefined, now: Date): string {
  const where = `\`${target.service}\` in \`${target.env}\``;
  if (!holder) {
    return `${where} was just locked by another run; look at the channel and try again in a moment.`;
  }
  const { run } = holder;
  const age = formatAge(now.getTime() - run.createdAt.getTime());
  const what = run.revertOf ? `revert of ${run.revertOf}` : run.verb;
  const next =
    run.state === 'interrupted'
      ? 'It was interrupted: resume it or revert it first.'
      : run.state === 'executing' || run.state === 'reverting'
        ? 'Wait for it to finish.'
        : 'Wait for it or cancel it.';
  return `${where} is locked by run ${run.id} (${what} by <@${run.requester}>, started ${age}). ${next}`;
}
