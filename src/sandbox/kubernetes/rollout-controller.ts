import { podTemplateHash, templatesEqual } from './pod-template-hash.ts';
import { isBadImage, isReady } from './pods.ts';
import { resourceFor } from './resources.ts';
import { writeStatus } from './rollout-status.ts';
import {
  type CanaryStep,
  durationSeconds,
  type RolloutStatus,
  splitReplicas,
  weightAt,
} from './rollout-steps.ts';
import {
  claimRevision,
  createRolloutReplicaSet,
  HASH_LABEL,
  ROLLOUT_REVISION,
} from './rollout-support.ts';
import type { KubeObject } from './types.ts';
import {
  type ControllerEnv,
  isControlledBy,
  ownedReplicaSets,
  rsStatus,
  scaleReplicaSet,
  specOf,
} from './workloads.ts';

const ROLLOUTS = resourceFor('Rollout');
const PODS = resourceFor('Pod');

function stepsOf(rollout: KubeObject): CanaryStep[] {
  const strategy = (rollout.spec as { strategy?: { canary?: { steps?: CanaryStep[] } } }).strategy;
  return strategy?.canary?.steps ?? [];
}

function hashOf(rs: KubeObject | undefined): string | undefined {
  return rs?.metadata.labels?.[HASH_LABEL];
}

function revisionLabel(rs: KubeObject): string {
  return rs.metadata.annotations?.[ROLLOUT_REVISION] ?? '1';
}

/** Crash-looping canary pods: the emulator's stand-in for a failed canary analysis. */
function canaryFailing(env: ControllerEnv, rs: KubeObject): boolean {
  if (!specOf(rs).template.spec.containers.some((c) => isBadImage(c.image))) return false;
  return env.store.list(PODS, rs.metadata.namespace).some((pod) => {
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    return isControlledBy(pod, rs) && phase === 'Running' && !isReady(pod);
  });
}

/** Moves the step machine one notch: setWeight waits for pods, pause waits for promote or duration. */
function stepForward(
  env: ControllerEnv,
  steps: CanaryStep[],
  status: RolloutStatus,
  canary: KubeObject,
  replicas: number,
): void {
  const index = status.currentStepIndex ?? 0;
  const step = steps[index];
  if (!step) return;
  if (step.pause) {
    const started = status.pauseConditions?.find((p) => p.reason === 'CanaryPauseStep');
    if (!status.controllerPause) {
      status.pauseConditions = [{ reason: 'CanaryPauseStep', startTime: env.clock.iso() }];
      status.controllerPause = true;
      return;
    }
    const seconds = durationSeconds(step.pause.duration);
    const expired =
      started &&
      seconds !== undefined &&
      Date.parse(started.startTime) + seconds * 1000 <= env.clock.now();
    // controllerPause set but pauseConditions cleared: someone promoted (kubectl argo rollouts promote).
    if (!started || expired) {
      status.pauseConditions = undefined;
      status.controllerPause = undefined;
      status.currentStepIndex = index + 1;
    }
    return;
  }
  if (typeof step.setWeight === 'number') {
    if (rsStatus(canary).availableReplicas >= splitReplicas(replicas, step.setWeight).canary) {
      status.currentStepIndex = index + 1;
    }
    return;
  }
  // analysis, experiment and other steps pass at once (a bad image has aborted before this).
  status.currentStepIndex = index + 1;
}

function syncRollout(env: ControllerEnv, rollout: KubeObject): void {
  const spec = specOf(rollout);
  const steps = stepsOf(rollout);
  const replicas = spec.replicas ?? 1;
  const status = structuredClone((rollout.status ?? {}) as RolloutStatus);
  const canaryStatus = status.canary as
    | { currentBackgroundAnalysisRunStatus?: RolloutStatus['backgroundAnalysis'] }
    | undefined;
  if (canaryStatus?.currentBackgroundAnalysisRunStatus) {
    status.backgroundAnalysis = canaryStatus.currentBackgroundAnalysisRunStatus;
  }
  let owned = ownedReplicaSets(env, rollout);
  const found = owned.find((rs) => templatesEqual(specOf(rs).template, spec.template));
  let current =
    found ?? createRolloutReplicaSet(env, rollout, owned, podTemplateHash(spec.template));
  const currentHash = hashOf(current);
  if (status.currentPodHash !== currentHash) {
    current = claimRevision(env, rollout, owned, current);
    // Scaling below writes whole objects: a stale copy would put the old revision back.
    const claimed = current;
    owned = owned.map((rs) => (rs.metadata.uid === claimed.metadata.uid ? claimed : rs));
    status.currentPodHash = currentHash;
    status.stableRS ??= currentHash;
    // Going back to the stable template skips the steps, as Argo fast-tracks a rollback.
    status.currentStepIndex = status.stableRS === currentHash ? steps.length : 0;
    for (const key of [
      'pauseConditions',
      'controllerPause',
      'abort',
      'abortedAt',
      'message',
      'backgroundAnalysis',
    ] as const)
      delete status[key];
  }
  const stable = owned.find((rs) => hashOf(rs) === status.stableRS);
  const isCanary = hashOf(current) !== status.stableRS;
  if (!status.abort && status.abortedAt) {
    // `kubectl argo rollouts retry` cleared abort: start the steps over.
    status.currentStepIndex = 0;
    delete status.abortedAt;
    delete status.message;
    delete status.backgroundAnalysis;
  }
  if (status.promoteFull) status.currentStepIndex = steps.length;
  if (isCanary && !status.abort && canaryFailing(env, current)) {
    status.abort = true;
    const failed = 'Metric "success-rate" assessed Failed due to failed (1) > failureLimit (0)';
    status.message = `RolloutAborted: Rollout aborted update to revision ${revisionLabel(current)}: ${failed}`;
    // Where Argo reports the background AnalysisRun that failed (status.canary.*).
    status.backgroundAnalysis = {
      name: `${rollout.metadata.name}-${currentHash}-${revisionLabel(current)}`,
      status: 'Failed',
      message: failed,
    };
  }
  if (status.abort) {
    status.abortedAt ??= env.clock.iso();
    status.currentStepIndex = 0;
    delete status.pauseConditions;
    delete status.controllerPause;
    if (!status.message?.startsWith('RolloutAborted')) {
      status.message = `RolloutAborted: Rollout aborted update to revision ${revisionLabel(current)}`;
    }
  } else if (isCanary && !spec.paused) {
    // Steps that complete at once (a promoted pause, an analysis) let the next one start this tick.
    for (let i = 0; i <= steps.length; i++) {
      const before = status.currentStepIndex;
      stepForward(env, steps, status, current, replicas);
      if (status.currentStepIndex === before) break;
    }
  }
  const index = status.currentStepIndex ?? 0;
  const weight = !isCanary ? 100 : status.abort ? 0 : weightAt(steps, index);
  const split = splitReplicas(replicas, weight);
  // Stable keeps enough pods to cover canary pods that are not available yet (surge, never a dip).
  const stableWant = Math.max(split.stable, replicas - rsStatus(current).availableReplicas);
  // spec.paused freezes the ReplicaSets where they are.
  for (const rs of spec.paused ? [] : found ? owned : [...owned, current]) {
    const same = rs.metadata.uid === current.metadata.uid;
    scaleReplicaSet(
      env,
      rs,
      same ? split.canary : rs === stable ? Math.min(replicas, stableWant) : 0,
    );
  }
  const promoted =
    isCanary &&
    !spec.paused &&
    !status.abort &&
    index >= steps.length &&
    rsStatus(current).availableReplicas >= replicas;
  if (promoted) {
    status.stableRS = currentHash;
    delete status.promoteFull;
    if (stable) scaleReplicaSet(env, stable, 0);
  }
  writeStatus(env, rollout, status, { current, isCanary: isCanary && !promoted, weight, steps });
}

/** Argo Rollouts controller tick: canary steps, pauses, promotion, abort and retry (see README.md). */
export function runRolloutController(env: ControllerEnv): void {
  for (const rollout of env.store.list(ROLLOUTS)) {
    if (!rollout.metadata.deletionTimestamp && rollout.spec) syncRollout(env, rollout);
  }
}
