export { type ConfigMapData, patchConfigMapData, readConfigMap } from './config-maps.ts';
export { type ContextClients, createKubeClients, type KubeClients } from './create-kube-clients.ts';
export { jsonEqual, toPlain } from './json.ts';
export { describeRef, KubeError, type KubeObjectRef, kubeCall, toKubeError } from './kube-error.ts';
export { selectorQuery } from './label-selector.ts';
export {
  imagesOf,
  listReplicaSets,
  type OwnedReplicaSet,
  type RolloutRevision,
  rolloutHistory,
} from './replica-sets.ts';
export { type RolloutState, type RolloutStatus, rolloutStatus } from './rollout-status.ts';
export type * from './types.ts';
export {
  containerOf,
  HASH_LABEL,
  type PatchType,
  patchWorkload,
  REVISION_ANNOTATION,
  readWorkload,
  scaleWorkload,
} from './workload.ts';
