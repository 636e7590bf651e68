import type { KubeRule, KubeVerb } from './types.ts';

/** Rules on a workload (Deployment or Rollout) itself, limited to the catalog's names. */
export const workloadRules = {
  Deployment: (verbs: KubeVerb[], subresource?: string): KubeRule => ({
    apiGroup: 'apps',
    resource: subresource ? `deployments/${subresource}` : 'deployments',
    verbs,
    workload: true,
  }),
  Rollout: (verbs: KubeVerb[], subresource?: string): KubeRule => ({
    apiGroup: 'argoproj.io',
    resource: subresource ? `rollouts/${subresource}` : 'rollouts',
    verbs,
    workload: true,
  }),
};

/** ReplicaSets are listed (by the workload's selector) for revisions: any name. */
export const LIST_REPLICASETS: KubeRule = {
  apiGroup: 'apps',
  resource: 'replicasets',
  verbs: ['list'],
};

/** Pods are listed by the workload's selector: any name. */
export const LIST_PODS: KubeRule = { apiGroup: '', resource: 'pods', verbs: ['list'] };
