/** The verbs an action may declare; RBAC's names for what a request does. */
export type KubeVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

/**
 * One Kubernetes permission an action (or the bot's own reads) needs, in RBAC's terms:
 * `resource` may name a subresource (`deployments/scale`). With `workload: true` the rule is
 * limited to the catalog's workloads in the namespace (RBAC resourceNames): the bot may patch
 * `checkout`, not every Deployment next to it.
 */
export interface KubeRule {
  apiGroup: string;
  resource: string;
  verbs: KubeVerb[];
  workload?: boolean;
}

/** The workload kinds the catalog maps services to. */
export type KubeWorkloadKind = 'Deployment' | 'Rollout';

/**
 * What an action uses, per kind of workload it acts on. A kind that is absent means the action
 * does not apply there (argo.* on a Deployment), so no Role grants it.
 */
export type KubeAccess = Partial<Record<KubeWorkloadKind, KubeRule[]>>;

/** The rules one action declares, by name (actions without Kubernetes calls have none). */
export interface DeclaredAccess {
  name: string;
  kube: KubeAccess;
}
