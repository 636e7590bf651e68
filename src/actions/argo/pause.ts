import { definePausedAction } from './set-paused.ts';

/** `argo.pause`: freezes an Argo Rollout where it is; argo.resume (and revert) undo it. */
export const pause = definePausedAction(true);
