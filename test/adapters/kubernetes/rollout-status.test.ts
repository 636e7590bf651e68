import { describe, expect, it } from 'vitest';
import {
  type RolloutStatus,
  rolloutStatus,
} from '../../../src/adapters/kubernetes/rollout-status.ts';
import type { Workload, WorkloadStatus } from '../../../src/adapters/kubernetes/types.ts';

function workload(
  kind: Workload['ref']['kind'],
  status: WorkloadStatus,
  extra: Partial<Workload> = {},
): Workload {
  return {
    ref: { context: 'c', namespace: 'shop', kind, name: 'web' },
    uid: 'u',
    resourceVersion: '1',
    generation: 2,
    annotations: {},
    replicas: 3,
    paused: false,
    progressDeadlineSeconds: 600,
    revision: 2,
    selector: undefined,
    template: { spec: { containers: [] } },
    steps: kind === 'Rollout' ? [{ setWeight: 25 }, { pause: {} }] : [],
    status,
    ...extra,
  };
}

const deadline = {
  type: 'Progressing',
  status: 'False',
  reason: 'ProgressDeadlineExceeded',
  message: 'ReplicaSet "web-abc" has timed out progressing.',
};

describe('src/adapters/kubernetes/rollout-status', () => {
  it.each<[string, WorkloadStatus, Partial<Workload>, RolloutStatus]>([
    [
      'spec not observed yet',
      { observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 3 },
      {},
      { state: 'progressing', message: 'Waiting for deployment spec update to be observed...' },
    ],
    [
      'deadline exceeded',
      { observedGeneration: 2, replicas: 4, updatedReplicas: 1, conditions: [deadline] },
      {},
      {
        state: 'failed',
        message:
          'deployment "web" exceeded its progress deadline: ReplicaSet "web-abc" has timed out progressing.',
      },
    ],
    [
      'new replicas missing',
      { observedGeneration: 2, replicas: 4, updatedReplicas: 1 },
      {},
      {
        state: 'progressing',
        message:
          'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...',
      },
    ],
    [
      'old replicas left',
      { observedGeneration: 2, replicas: 4, updatedReplicas: 3 },
      {},
      {
        state: 'progressing',
        message:
          'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...',
      },
    ],
    [
      'not available yet (zeros omitted)',
      { observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 2 },
      {},
      {
        state: 'progressing',
        message:
          'Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...',
      },
    ],
    [
      'complete',
      {
        observedGeneration: 2,
        replicas: 3,
        updatedReplicas: 3,
        readyReplicas: 3,
        availableReplicas: 3,
      },
      {},
      { state: 'complete', message: 'deployment "web" successfully rolled out' },
    ],
    [
      'paused mid-rollout',
      { observedGeneration: 2, replicas: 3, updatedReplicas: 1 },
      { paused: true },
      {
        state: 'paused',
        message: 'deployment "web" is paused with 1 out of 3 new replicas have been updated',
      },
    ],
    [
      'scaled to zero',
      { observedGeneration: 2 },
      { replicas: 0 },
      { state: 'complete', message: 'deployment "web" successfully rolled out' },
    ],
  ])('Deployment: %s', (_name, status, extra, expected) => {
    expect(rolloutStatus(workload('Deployment', status, extra))).toEqual(expected);
  });

  it.each<[string, WorkloadStatus, Partial<Workload>, RolloutStatus['state'], string]>([
    [
      'observedGeneration is a string',
      { observedGeneration: '1', phase: 'Healthy' },
      {},
      'progressing',
      'Waiting for rollout spec update to be observed...',
    ],
    [
      'Healthy',
      { observedGeneration: '2', phase: 'Healthy' },
      {},
      'complete',
      'rollout "web" is Healthy',
    ],
    [
      'Degraded',
      { observedGeneration: '2', phase: 'Degraded', message: 'ProgressDeadlineExceeded: too slow' },
      {},
      'failed',
      'rollout "web" is Degraded: ProgressDeadlineExceeded: too slow',
    ],
    [
      'aborted',
      { observedGeneration: '2', phase: 'Progressing', abort: true, message: 'RolloutAborted: x' },
      {},
      'failed',
      'rollout "web" is Degraded: RolloutAborted: x',
    ],
    [
      'paused at a step',
      { observedGeneration: '2', phase: 'Paused', message: 'CanaryPauseStep', currentStepIndex: 1 },
      {},
      'paused',
      'rollout "web" is Paused at step 1 of 2: CanaryPauseStep',
    ],
    [
      'progressing',
      {
        observedGeneration: '2',
        phase: 'Progressing',
        message: 'more replicas need to be updated',
      },
      {},
      'progressing',
      'Waiting for rollout "web": Progressing - more replicas need to be updated',
    ],
  ])('Rollout: %s', (_name, status, extra, state, message) => {
    expect(rolloutStatus(workload('Rollout', status, extra))).toEqual({ state, message });
  });
});
