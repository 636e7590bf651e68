import type { PodTemplate, Workload } from '../../adapters/kubernetes/types.ts';

// Annotations that describe the workload itself, never copied from a ReplicaSet (kubectl's list).
const SKIP = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  'deployment.kubernetes.io/revision',
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
  'rollout.argoproj.io/revision',
  'rollout.argoproj.io/revision-history',
  'rollout.argoproj.io/desired-replicas',
]);

/** The workload's own bookkeeping annotations plus the others taken from `source`. */
export function undoAnnotations(
  workload: Workload,
  source: Record<string, string>,
): Record<string, string> {
  const kept = Object.entries(workload.annotations).filter(([k]) => SKIP.has(k));
  const copied = Object.entries(source).filter(([k]) => !SKIP.has(k));
  return Object.fromEntries([...kept, ...copied]);
}

/**
 * kubectl rollout undo's JSON patch (template and annotations replaced), made conditional:
 * the resourceVersion it was planned against rides along, so a Deployment changed in between
 * answers 409 Conflict instead of silently losing that change.
 */
export function undoPatch(
  workload: Workload,
  template: PodTemplate,
  annotations: Record<string, string>,
): object[] {
  return [
    { op: 'replace', path: '/metadata/resourceVersion', value: workload.resourceVersion },
    { op: 'replace', path: '/spec/template', value: template },
    { op: 'add', path: '/metadata/annotations', value: annotations },
  ];
}
