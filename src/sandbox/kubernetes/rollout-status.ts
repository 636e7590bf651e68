import { stableStringify } from './json.ts';
import { selectorString } from './label-selector.ts';
import { textHash } from './pod-template-hash.ts';
import { resourceFor } from './resources.ts';
import type { CanaryStep, RolloutStatus } from './rollout-steps.ts';
import { rolloutConditions } from './rollout-support.ts';
import type { KubeObject } from './types.ts';
import { type ControllerEnv, ownedReplicaSets, rsStatus, specOf } from './workloads.ts';

const ROLLOUTS = resourceFor('Rollout');

/** What the step machine decided this tick, for the status it reports. */
export interface View {
  current: KubeObject;
  isCanary: boolean;
  weight: number;
  steps: CanaryStep[];
}

/** Writes a Rollout's status: counts, phase and message, canary weights, conditions. */
export function writeStatus(
  env: ControllerEnv,
  rollout: KubeObject,
  status: RolloutStatus,
  view: View,
): void {
  const spec = specOf(rollout);
  const replicas = spec.replicas ?? 1;
  const all = ownedReplicaSets(env, rollout);
  const sum = (pick: (s: ReturnType<typeof rsStatus>) => number) =>
    all.reduce((n, rs) => n + pick(rsStatus(rs)), 0);
  const currentNow =
    all.find((rs) => rs.metadata.uid === view.current.metadata.uid) ?? view.current;
  const counts = {
    replicas: sum((s) => s.replicas),
    updatedReplicas: rsStatus(currentNow).replicas,
    readyReplicas: sum((s) => s.readyReplicas),
    availableReplicas: sum((s) => s.availableReplicas),
  };
  const paused = Boolean(spec.paused) || (status.pauseConditions?.length ?? 0) > 0;
  const healthy =
    !view.isCanary && counts.availableReplicas >= replicas && counts.replicas === replicas;
  status.phase = status.abort
    ? 'Degraded'
    : paused
      ? 'Paused'
      : healthy
        ? 'Healthy'
        : 'Progressing';
  if (!status.abort) {
    if (spec.paused) status.message = 'manually paused';
    else if (paused) status.message = 'CanaryPauseStep';
    else if (healthy) delete status.message;
    else
      status.message = view.isCanary
        ? 'more replicas need to be updated'
        : 'updated replicas are still becoming available';
  }
  const { backgroundAnalysis, ...rest } = status;
  const next: Record<string, unknown> = {
    ...rest,
    ...counts,
    observedGeneration: String(rollout.metadata.generation ?? 1),
    currentStepHash: textHash(stableStringify(view.steps)),
    selector: selectorString(spec.selector),
    canary: {
      ...(backgroundAnalysis ? { currentBackgroundAnalysisRunStatus: backgroundAnalysis } : {}),
      weights: {
        canary: { podTemplateHash: status.currentPodHash, weight: view.isCanary ? view.weight : 0 },
        stable: {
          podTemplateHash: status.stableRS,
          weight: view.isCanary ? 100 - view.weight : 100,
        },
      },
    },
    conditions: rolloutConditions(
      env,
      rollout,
      status,
      healthy,
      counts.availableReplicas >= replicas,
    ),
  };
  const clean = Object.fromEntries(
    Object.entries(next).filter(([, v]) => v !== undefined && v !== null),
  );
  const metadata = { ...rollout.metadata, resourceVersion: '' };
  env.store.update(ROLLOUTS, { ...rollout, status: clean, metadata }, { subresource: 'status' });
}
