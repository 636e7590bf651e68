import type { OwnedReplicaSet } from '../../adapters/kubernetes/replica-sets.ts';
import { ActionError } from '../action-error.ts';

/**
 * The ReplicaSet to roll back to, as kubectl picks it: the given revision, or without one the
 * second-highest revision. `sets` are oldest first; `describe` renders one for messages.
 */
export function pickRevision(
  sets: OwnedReplicaSet[],
  toRevision: number | undefined,
  label: string,
  describe: (rs: OwnedReplicaSet) => string,
): OwnedReplicaSet {
  const known = sets.map(describe).join(', ') || '(none)';
  if (toRevision !== undefined) {
    const found = sets.find((rs) => rs.revision === toRevision);
    if (found) return found;
    throw new ActionError(
      'refused',
      `${label} has no revision ${toRevision} in its rollout history. Known revisions: ${known}.`,
    );
  }
  const previous = sets.at(-2);
  if (!previous) {
    throw new ActionError(
      'refused',
      `${label} has no earlier revision to roll back to. Rollout history: ${known}.`,
    );
  }
  return previous;
}
