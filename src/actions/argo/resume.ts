import { definePausedAction } from './set-paused.ts';

/** `argo.resume`: lets a manually paused Argo Rollout continue; revert pauses it again. */
export const resume = definePausedAction(false);
