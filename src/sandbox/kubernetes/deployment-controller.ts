import { rollingLimits, rolloutRecreate, rolloutRolling, scaleOnly } from './deployment-rollout.ts';
import { newCondition, statusOf, syncDeploymentStatus } from './deployment-status.ts';
import { clone } from './json.ts';
import { podTemplateHash, templatesEqual } from './pod-template-hash.ts';
import { resourceFor } from './resources.ts';
import type { Condition, KubeObject, SeedObject } from './types.ts';
import {
  type ControllerEnv,
  controllerRef,
  desiredReplicas,
  ownedReplicaSets,
  REVISION,
  REVISION_HISTORY,
  revisionOf,
  rsStatus,
  specOf,
} from './workloads.ts';

const DEPLOYMENTS = resourceFor('Deployment');
const REPLICA_SETS = resourceFor('ReplicaSet');

/** Deployment annotations the controller never copies onto its ReplicaSets. */
const NOT_COPIED = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  REVISION_HISTORY,
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

function copiedAnnotations(deployment: KubeObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(deployment.metadata.annotations ?? {}))
    if (!NOT_COPIED.has(k)) out[k] = v;
  return out;
}

function replicaAnnotations(deployment: KubeObject): Record<string, string> {
  const desired = desiredReplicas(deployment);
  return {
    'deployment.kubernetes.io/desired-replicas': String(desired),
    'deployment.kubernetes.io/max-replicas': String(desired + rollingLimits(deployment).maxSurge),
  };
}

/** Creates `<deployment>-<hash>` for the current template with the next revision. */
function createNewReplicaSet(
  env: ControllerEnv,
  d: KubeObject,
  revision: number,
  all: KubeObject[],
): KubeObject {
  const spec = specOf(d);
  let collisions = statusOf(d).collisionCount ?? 0;
  let hash = podTemplateHash(spec.template, collisions);
  // A name taken by a ReplicaSet with another template is a hash collision: bump and retry.
  for (
    let tries = 0;
    tries < 10 && env.store.get(REPLICA_SETS, d.metadata.namespace, `${d.metadata.name}-${hash}`);
    tries++
  ) {
    hash = podTemplateHash(spec.template, ++collisions);
  }
  const template = clone(spec.template);
  template.metadata = {
    ...template.metadata,
    labels: { ...template.metadata?.labels, 'pod-template-hash': hash },
  };
  const selector = clone(spec.selector ?? {});
  selector.matchLabels = { ...selector.matchLabels, 'pod-template-hash': hash };
  const room =
    desiredReplicas(d) +
    rollingLimits(d).maxSurge -
    all.reduce((n, rs) => n + desiredReplicas(rs), 0);
  const isRolling = spec.strategy?.type !== 'Recreate';
  const replicas =
    all.length === 0 || isRolling ? Math.max(0, Math.min(desiredReplicas(d), room)) : 0;
  const rs: SeedObject = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels: { ...template.metadata.labels },
      annotations: {
        ...copiedAnnotations(d),
        ...replicaAnnotations(d),
        [REVISION]: String(revision),
      },
      ownerReferences: [controllerRef(d)],
    },
    spec: { replicas, minReadySeconds: spec.minReadySeconds ?? 0, selector, template },
  };
  if (collisions !== (statusOf(d).collisionCount ?? 0)) {
    env.store.update(
      DEPLOYMENTS,
      {
        ...d,
        status: { ...statusOf(d), collisionCount: collisions },
        metadata: { ...d.metadata, resourceVersion: '' },
      },
      { subresource: 'status' },
    );
  }
  return env.store.create(REPLICA_SETS, rs);
}

/** An existing ReplicaSet becomes current again: it takes the next revision (rollout undo). */
function adoptRevision(
  env: ControllerEnv,
  d: KubeObject,
  rs: KubeObject,
  revision: number,
): KubeObject {
  const current = revisionOf(rs);
  const annotations = {
    ...rs.metadata.annotations,
    ...copiedAnnotations(d),
    ...replicaAnnotations(d),
  };
  if (current < revision) {
    annotations[REVISION] = String(revision);
    if (current > 0) {
      const history = rs.metadata.annotations?.[REVISION_HISTORY];
      annotations[REVISION_HISTORY] = history ? `${history},${current}` : String(current);
    }
  }
  return env.store.update(REPLICA_SETS, {
    ...rs,
    metadata: { ...rs.metadata, annotations, resourceVersion: '' },
  });
}

function setDeploymentRevision(env: ControllerEnv, d: KubeObject, revision: string): KubeObject {
  if (d.metadata.annotations?.[REVISION] === revision) return d;
  const annotations = { ...d.metadata.annotations, [REVISION]: revision };
  return env.store.update(DEPLOYMENTS, {
    ...d,
    metadata: { ...d.metadata, annotations, resourceVersion: '' },
  });
}

/** Deletes the oldest fully scaled-down ReplicaSets beyond spec.revisionHistoryLimit. */
function cleanupHistory(env: ControllerEnv, d: KubeObject, old: KubeObject[]): void {
  const limit = specOf(d).revisionHistoryLimit ?? 10;
  const idle = old
    .filter((rs) => desiredReplicas(rs) === 0 && rsStatus(rs).replicas === 0)
    .sort((a, b) => revisionOf(a) - revisionOf(b));
  for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
    env.store.remove(REPLICA_SETS, rs.metadata.namespace, rs.metadata.name);
  }
}

function syncDeployment(env: ControllerEnv, deployment: KubeObject): void {
  let d = deployment;
  const spec = specOf(d);
  const owned = ownedReplicaSets(env, d);
  let newRS = owned.find((rs) => templatesEqual(specOf(rs).template, spec.template));
  const old = owned.filter((rs) => rs !== newRS);
  const progressing = statusOf(d).conditions?.find((c) => c.type === 'Progressing');
  if (spec.paused) {
    scaleOnly(env, d, owned);
    const paused = newCondition(
      env,
      'Progressing',
      'Unknown',
      'DeploymentPaused',
      'Deployment is paused',
    );
    syncDeploymentStatus(env, d, newRS, ownedReplicaSets(env, d), paused);
    return;
  }
  let extra: Condition | undefined;
  if (progressing?.reason === 'DeploymentPaused') {
    extra = newCondition(
      env,
      'Progressing',
      'Unknown',
      'DeploymentResumed',
      'Deployment is resumed',
    );
  }
  const nextRevision = Math.max(0, ...old.map((rs) => revisionOf(rs))) + 1;
  if (!newRS) {
    newRS = createNewReplicaSet(env, d, nextRevision, owned);
    const created = `Created new replica set "${newRS.metadata.name}"`;
    extra = newCondition(env, 'Progressing', 'True', 'NewReplicaSetCreated', created);
  } else {
    newRS = adoptRevision(env, d, newRS, nextRevision);
  }
  d = setDeploymentRevision(env, d, newRS.metadata.annotations?.[REVISION] ?? '1');
  if (spec.strategy?.type === 'Recreate') rolloutRecreate(env, d, newRS, old);
  else rolloutRolling(env, d, newRS, old);
  const all = ownedReplicaSets(env, d);
  const fresh = all.find((rs) => rs.metadata.uid === newRS?.metadata.uid);
  const done =
    fresh &&
    rsStatus(fresh).availableReplicas === desiredReplicas(d) &&
    old.every((rs) => desiredReplicas(rs) === 0);
  if (done)
    cleanupHistory(
      env,
      d,
      all.filter((rs) => rs !== fresh),
    );
  syncDeploymentStatus(env, d, fresh, ownedReplicaSets(env, d), extra);
}

/** Deployment controller tick: new ReplicaSets and revisions for template changes, rolling, status. */
export function runDeploymentController(env: ControllerEnv): void {
  for (const d of env.store.list(DEPLOYMENTS)) {
    if (!d.metadata.deletionTimestamp) syncDeployment(env, d);
  }
}
