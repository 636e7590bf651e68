import type { DrillStep } from './plan-drill.ts';

/** A fault step as the run engine stored it once applied: its params and captured `before`. */
export interface AppliedStep {
  action: string;
  params: Record<string, unknown>;
  before?: unknown;
}

export type RestoreSteps = { ok: true; steps: DrillStep[] } | { ok: false; message: string };

type Before = Record<string, unknown> | null | undefined;

/**
 * The restore run's steps: each fault step undone with the state its apply() captured, as
 * a forward step the engine can plan, lock and verify (scale back to the old count, set the
 * key back, roll forward to the revision that was live). Last fault step first.
 */
export function restoreSteps(applied: AppliedStep[]): RestoreSteps {
  const steps: DrillStep[] = [];
  for (const step of [...applied].reverse()) {
    const before = step.before as Before;
    const { service, env } = step.params;
    const target = { service, env };
    switch (step.action) {
      case 'k8s.scale': {
        if (typeof before?.replicas !== 'number') return missing(step.action, 'replicas');
        steps.push({ action: 'k8s.scale', params: { ...target, replicas: before.replicas } });
        break;
      }
      case 'k8s.set-configmap-key': {
        if (typeof before?.value !== 'string') {
          return {
            ok: false,
            message: `${String(step.params.configMap)}/${String(step.params.key)} had no value before the drill; remove the key by hand.`,
          };
        }
        steps.push({ action: step.action, params: { ...step.params, value: before.value } });
        break;
      }
      case 'k8s.rollout-undo': {
        if (typeof before?.revision !== 'number') return missing(step.action, 'revision');
        steps.push({ action: step.action, params: { ...target, toRevision: before.revision } });
        break;
      }
      case 'k8s.delete-pods':
        break;
      default:
        return { ok: false, message: `a drill cannot restore ${step.action}; restore it by hand.` };
    }
  }
  return { ok: true, steps };
}

function missing(action: string, field: string): RestoreSteps {
  return {
    ok: false,
    message: `${action} recorded no ${field} before the drill; restore by hand.`,
  };
}
