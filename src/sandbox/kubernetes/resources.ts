/** One REST resource the emulator serves. */
export interface ResourceDef {
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  /** Has a /status subresource: main writes keep status, status writes keep everything else. */
  status: boolean;
  /** Has a /scale subresource (autoscaling/v1 Scale over spec.replicas). */
  scale: boolean;
  /** metadata.generation is kept and bumped when the spec changes. */
  generation: boolean;
  /** Served as a custom resource: list items keep kind/apiVersion, no strategic merge patch. */
  custom: boolean;
  /** Deleting answers the deleted object rather than a Success Status (pods do this). */
  returnsDeleted: boolean;
  /** Short names discovery lists (`deploy`, `po`), so `kubectl get deploy` resolves. */
  shortNames: string[];
  /** Discovery categories: `all` makes `kubectl get all` include the resource. */
  categories: string[];
  /** Create-only and never stored: access reviews answer the request and forget it. */
  review: boolean;
}

type Flags = Partial<
  Pick<
    ResourceDef,
    | 'namespaced'
    | 'status'
    | 'scale'
    | 'generation'
    | 'custom'
    | 'returnsDeleted'
    | 'shortNames'
    | 'categories'
    | 'review'
  >
>;

function def(
  group: string,
  version: string,
  plural: string,
  kind: string,
  flags: Flags = {},
): ResourceDef {
  return {
    group,
    version,
    plural,
    singular: kind.toLowerCase(),
    kind,
    namespaced: flags.namespaced ?? true,
    status: flags.status ?? false,
    scale: flags.scale ?? false,
    generation: flags.generation ?? false,
    custom: flags.custom ?? false,
    returnsDeleted: flags.returnsDeleted ?? false,
    shortNames: flags.shortNames ?? [],
    categories: flags.categories ?? [],
    review: flags.review ?? false,
  };
}

const RBAC = 'rbac.authorization.k8s.io';
const AUTHZ = 'authorization.k8s.io';

/** Every resource the emulator knows, in discovery order; short names and categories as on 1.32. */
export const RESOURCES: readonly ResourceDef[] = [
  def('', 'v1', 'namespaces', 'Namespace', { namespaced: false, status: true, shortNames: ['ns'] }),
  def('', 'v1', 'pods', 'Pod', {
    status: true,
    returnsDeleted: true,
    shortNames: ['po'],
    categories: ['all'],
  }),
  def('', 'v1', 'configmaps', 'ConfigMap', { shortNames: ['cm'] }),
  def('', 'v1', 'secrets', 'Secret'),
  // Stored and listed (kubectl describe asks for them); no controller writes any.
  def('', 'v1', 'events', 'Event', { shortNames: ['ev'] }),
  def('apps', 'v1', 'deployments', 'Deployment', {
    status: true,
    scale: true,
    generation: true,
    shortNames: ['deploy'],
    categories: ['all'],
  }),
  def('apps', 'v1', 'replicasets', 'ReplicaSet', {
    status: true,
    scale: true,
    generation: true,
    shortNames: ['rs'],
    categories: ['all'],
  }),
  def('coordination.k8s.io', 'v1', 'leases', 'Lease'),
  def(RBAC, 'v1', 'clusterrolebindings', 'ClusterRoleBinding', { namespaced: false }),
  def(RBAC, 'v1', 'clusterroles', 'ClusterRole', { namespaced: false }),
  def(RBAC, 'v1', 'rolebindings', 'RoleBinding'),
  def(RBAC, 'v1', 'roles', 'Role'),
  def(AUTHZ, 'v1', 'localsubjectaccessreviews', 'LocalSubjectAccessReview', { review: true }),
  def(AUTHZ, 'v1', 'selfsubjectaccessreviews', 'SelfSubjectAccessReview', {
    namespaced: false,
    review: true,
  }),
  def(AUTHZ, 'v1', 'selfsubjectrulesreviews', 'SelfSubjectRulesReview', {
    namespaced: false,
    review: true,
  }),
  def(AUTHZ, 'v1', 'subjectaccessreviews', 'SubjectAccessReview', {
    namespaced: false,
    review: true,
  }),
  def('authentication.k8s.io', 'v1', 'selfsubjectreviews', 'SelfSubjectReview', {
    namespaced: false,
    review: true,
  }),
  // The Argo Rollouts CRD names `ro` as its short name and no categories.
  def('argoproj.io', 'v1alpha1', 'rollouts', 'Rollout', {
    status: true,
    scale: true,
    generation: true,
    custom: true,
    returnsDeleted: true,
    shortNames: ['ro'],
  }),
];

/** `apps/v1`, or `v1` for the core group. */
export function apiVersionOf(resource: ResourceDef): string {
  return resource.group ? `${resource.group}/${resource.version}` : resource.version;
}

/** The resource served at group/version/plural, if any. */
export function resourceByPath(group: string, version: string, plural: string) {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

/** The resource for a kind name (`Deployment`) or plural (`deployments`); throws when unknown. */
export function resourceFor(kindOrPlural: string): ResourceDef {
  const wanted = kindOrPlural.toLowerCase();
  const found = RESOURCES.find((r) => r.kind.toLowerCase() === wanted || r.plural === wanted);
  if (!found) {
    const known = RESOURCES.map((r) => r.kind).join(', ');
    throw new Error(`kube emulator: unknown kind "${kindOrPlural}". Known: ${known}`);
  }
  return found;
}
