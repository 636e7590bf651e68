import { silence } from './alertmanager/silence.ts';
import { abort } from './argo/abort.ts';
import { pause } from './argo/pause.ts';
import { promote } from './argo/promote.ts';
import { resume } from './argo/resume.ts';
import { deletePods } from './kubernetes/delete-pods.ts';
import { restart } from './kubernetes/restart.ts';
import { rolloutUndo } from './kubernetes/rollout-undo.ts';
import { scale } from './kubernetes/scale.ts';
import { setConfigMapKey } from './kubernetes/set-configmap-key.ts';
import { setImage } from './kubernetes/set-image.ts';
import { ack } from './pagerduty/ack.ts';
import { note } from './pagerduty/note.ts';
import { type ActionRegistry, createActionRegistry } from './registry.ts';
import type { Action } from './types.ts';

/** Every action mc ships, one file each. */
export const BUILTIN_ACTIONS: readonly Action[] = [
  setImage,
  rolloutUndo,
  scale,
  restart,
  setConfigMapKey,
  deletePods,
  promote,
  abort,
  pause,
  resume,
  ack,
  note,
  silence,
];

/** The registry of the built-in actions. */
export function createBuiltinActionRegistry(): ActionRegistry {
  return createActionRegistry(BUILTIN_ACTIONS);
}
