import type { Workload } from './types.ts';

/** Where a rollout stands: still moving, done, stopped by a pause, or failed. */
export type RolloutState = 'progressing' | 'complete' | 'paused' | 'failed';

export interface RolloutStatus {
  state: RolloutState;
  /** What `kubectl rollout status` (or `kubectl argo rollouts status`) would print. */
  message: string;
}

/** kubectl's rollout status logic for Deployments; Argo's phase for Rollouts. */
export function rolloutStatus(workload: Workload): RolloutStatus {
  return workload.ref.kind === 'Deployment' ? deploymentStatus(workload) : argoStatus(workload);
}

function deploymentStatus(d: Workload): RolloutStatus {
  const name = `deployment "${d.ref.name}"`;
  const s = d.status;
  if (Number(s.observedGeneration ?? 0) < d.generation) {
    return {
      state: 'progressing',
      message: 'Waiting for deployment spec update to be observed...',
    };
  }
  const progressing = s.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return {
      state: 'failed',
      message: `${name} exceeded its progress deadline: ${progressing.message ?? 'no progress'}`,
    };
  }
  const updated = s.updatedReplicas ?? 0;
  const total = s.replicas ?? 0;
  const available = s.availableReplicas ?? 0;
  let waiting: string | undefined;
  if (updated < d.replicas) {
    waiting = `${updated} out of ${d.replicas} new replicas have been updated...`;
  } else if (total > updated) {
    waiting = `${total - updated} old replicas are pending termination...`;
  } else if (available < updated) {
    waiting = `${available} of ${updated} updated replicas are available...`;
  }
  if (!waiting) return { state: 'complete', message: `${name} successfully rolled out` };
  if (d.paused) {
    return { state: 'paused', message: `${name} is paused with ${waiting.replace(/\.\.\.$/, '')}` };
  }
  return { state: 'progressing', message: `Waiting for ${name} rollout to finish: ${waiting}` };
}

function argoStatus(r: Workload): RolloutStatus {
  const name = `rollout "${r.ref.name}"`;
  const s = r.status;
  if (Number(s.observedGeneration ?? 0) < r.generation) {
    return { state: 'progressing', message: 'Waiting for rollout spec update to be observed...' };
  }
  if (s.abort || s.phase === 'Degraded') {
    return { state: 'failed', message: `${name} is Degraded: ${s.message ?? 'aborted'}` };
  }
  if (s.phase === 'Healthy') return { state: 'complete', message: `${name} is Healthy` };
  if (s.phase === 'Paused') {
    const step = s.currentStepIndex === undefined ? '' : ` at step ${s.currentStepIndex}`;
    return {
      state: 'paused',
      message: `${name} is Paused${step} of ${r.steps.length}: ${s.message ?? 'paused'}`,
    };
  }
  return {
    state: 'progressing',
    message: `Waiting for ${name}: ${s.phase ?? 'Progressing'}${s.message ? ` - ${s.message}` : ''}`,
  };
}
