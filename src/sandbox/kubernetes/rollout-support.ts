import { setCondition } from './deployment-status.ts';
import { clone } from './json.ts';
import { resourceFor } from './resources.ts';
import type { RolloutStatus } from './rollout-steps.ts';
import type { Condition, KubeObject, SeedObject } from './types.ts';
import { type ControllerEnv, controllerRef, revisionOf, specOf } from './workloads.ts';

const REPLICA_SETS = resourceFor('ReplicaSet');
const ROLLOUTS = resourceFor('Rollout');
export const HASH_LABEL = 'rollouts-pod-template-hash';
export const ROLLOUT_REVISION = 'rollout.argoproj.io/revision';

function nextRevision(owned: KubeObject[], except?: KubeObject): number {
  const others = owned.filter((rs) => rs.metadata.uid !== except?.metadata.uid);
  return Math.max(0, ...others.map((rs) => revisionOf(rs, ROLLOUT_REVISION))) + 1;
}

/** Creates the ReplicaSet `<rollout>-<hash>` for the rollout's current template (0 replicas). */
export function createRolloutReplicaSet(
  env: ControllerEnv,
  rollout: KubeObject,
  owned: KubeObject[],
  hash: string,
): KubeObject {
  const spec = specOf(rollout);
  const template = clone(spec.template);
  template.metadata = {
    ...template.metadata,
    labels: { ...template.metadata?.labels, [HASH_LABEL]: hash },
  };
  const selector = clone(spec.selector ?? {});
  selector.matchLabels = { ...selector.matchLabels, [HASH_LABEL]: hash };
  const rs: SeedObject = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${rollout.metadata.name}-${hash}`,
      namespace: rollout.metadata.namespace,
      labels: { ...template.metadata.labels },
      annotations: { [ROLLOUT_REVISION]: String(nextRevision(owned)) },
      ownerReferences: [controllerRef(rollout)],
    },
    spec: { replicas: 0, selector, template },
  };
  return env.store.create(REPLICA_SETS, rs);
}

/** Gives a reused ReplicaSet the next revision (rollout undo) and mirrors it on the Rollout. */
export function claimRevision(
  env: ControllerEnv,
  rollout: KubeObject,
  owned: KubeObject[],
  rs: KubeObject,
): KubeObject {
  let current = rs;
  const wanted = nextRevision(owned, rs);
  if (revisionOf(rs, ROLLOUT_REVISION) < wanted) {
    const annotations = { ...rs.metadata.annotations, [ROLLOUT_REVISION]: String(wanted) };
    current = env.store.update(REPLICA_SETS, {
      ...rs,
      metadata: { ...rs.metadata, annotations, resourceVersion: '' },
    });
  }
  const revision = current.metadata.annotations?.[ROLLOUT_REVISION] ?? '1';
  if (rollout.metadata.annotations?.[ROLLOUT_REVISION] !== revision) {
    const annotations = { ...rollout.metadata.annotations, [ROLLOUT_REVISION]: revision };
    env.store.update(ROLLOUTS, {
      ...rollout,
      metadata: { ...rollout.metadata, annotations, resourceVersion: '' },
    });
  }
  return current;
}

function make(
  env: ControllerEnv,
  type: string,
  ok: Condition['status'],
  reason: string,
  message: string,
): Condition {
  const now = env.clock.iso();
  return { type, status: ok, reason, message, lastUpdateTime: now, lastTransitionTime: now };
}

/** Progressing, Available, Healthy and Completed conditions, as Argo Rollouts reports them. */
export function rolloutConditions(
  env: ControllerEnv,
  rollout: KubeObject,
  status: RolloutStatus,
  healthy: boolean,
  available: boolean,
): Condition[] {
  const holder = {
    conditions: clone(((rollout.status ?? {}) as { conditions?: Condition[] }).conditions ?? []),
  };
  const name = rollout.metadata.name;
  let progressing: Condition;
  if (status.abort) {
    progressing = make(
      env,
      'Progressing',
      'False',
      'RolloutAborted',
      status.message ?? 'Rollout aborted',
    );
  } else if (status.phase === 'Paused') {
    progressing = make(env, 'Progressing', 'Unknown', 'RolloutPaused', 'Rollout is paused');
  } else if (healthy) {
    progressing = make(
      env,
      'Progressing',
      'True',
      'NewReplicaSetAvailable',
      `Rollout "${name}" has successfully progressed.`,
    );
  } else {
    progressing = make(
      env,
      'Progressing',
      'True',
      'ReplicaSetUpdated',
      `Rollout "${name}" is progressing.`,
    );
  }
  setCondition(holder, progressing);
  setCondition(
    holder,
    available
      ? make(env, 'Available', 'True', 'AvailableReason', 'Rollout has minimum availability')
      : make(
          env,
          'Available',
          'False',
          'AvailableReason',
          'Rollout does not have minimum availability',
        ),
  );
  setCondition(
    holder,
    healthy
      ? make(env, 'Healthy', 'True', 'RolloutHealthy', 'Rollout is healthy')
      : make(env, 'Healthy', 'False', 'RolloutHealthy', 'Rollout is not healthy'),
  );
  setCondition(
    holder,
    make(
      env,
      'Completed',
      healthy ? 'True' : 'False',
      'RolloutCompleted',
      healthy ? 'Rollout is completed' : 'Rollout is not completed',
    ),
  );
  return holder.conditions;
}
