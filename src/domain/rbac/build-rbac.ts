import { type Catalog, unknownName } from '../catalog/schema.ts';
import type { BotRead } from './bot-reads.ts';
import { mergeRules, type PolicyRule } from './merge-rules.ts';
import { type CatalogNamespace, namespacesOf } from './namespaces.ts';
import type { DeclaredAccess } from './types.ts';

/**
 * Who the objects are for. `bot`: what the bot's ServiceAccount needs (apply it with the bot).
 * `people`: in an environment with `impersonate: true`, a Role per namespace that lets a
 * person do what mc's actions do, bound to one Kubernetes group; the cluster admin reviews
 * those and decides who is in the group (catalog.yml's mapping or the identity provider).
 */
export type RbacAudience = 'bot' | 'people';

export interface RbacInput {
  catalog: Catalog;
  env: string;
  actions: readonly DeclaredAccess[];
  reads: readonly BotRead[];
  serviceAccount: { name: string; namespace: string };
  audience: RbacAudience;
  /** The group `people` Roles are bound to; default `mc-<env>-operators`. */
  peopleGroup?: string;
}

/** One object to apply, and the kubeconfig context (cluster) it belongs to. */
export interface RbacObject {
  context: string;
  object: { apiVersion: string; kind: string; metadata: Record<string, unknown> } & Record<
    string,
    unknown
  >;
}

const RBAC = 'rbac.authorization.k8s.io/v1';
const LABELS = { 'app.kubernetes.io/managed-by': 'mc-rbac' };

function role(kind: 'Role' | 'ClusterRole', name: string, rules: PolicyRule[], ns?: string) {
  const metadata = { name, ...(ns ? { namespace: ns } : {}), labels: { ...LABELS } };
  return { apiVersion: RBAC, kind, metadata, rules };
}

function binding(
  kind: 'RoleBinding' | 'ClusterRoleBinding',
  name: string,
  subjects: Record<string, string>[],
  ns?: string,
) {
  const metadata = { name, ...(ns ? { namespace: ns } : {}), labels: { ...LABELS } };
  const roleRef = {
    apiGroup: 'rbac.authorization.k8s.io',
    kind: kind === 'RoleBinding' ? 'Role' : 'ClusterRole',
    name,
  };
  return { apiVersion: RBAC, kind, metadata, roleRef, subjects };
}

function namespaced(
  ns: CatalogNamespace,
  name: string,
  rules: PolicyRule[],
  subjects: Record<string, string>[],
): RbacObject[] {
  if (rules.length === 0) return [];
  return [
    { context: ns.context, object: role('Role', name, rules, ns.namespace) },
    { context: ns.context, object: binding('RoleBinding', name, subjects, ns.namespace) },
  ];
}

/** The Kubernetes users and groups the catalog maps Slack users to, each once, sorted. */
function mappedIdentities(catalog: Catalog): { users: string[]; groups: string[] } {
  const all = Object.values(catalog.kubernetesIdentities);
  const unique = (xs: string[]) => [...new Set(xs)].sort();
  return { users: unique(all.map((i) => i.user)), groups: unique(all.flatMap((i) => i.groups)) };
}

/**
 * Roles and bindings for one environment, per namespace the catalog maps its services to:
 * exactly the union of what the actions declare (and the bot's own reads), nothing more.
 * With `impersonate: true` the bot's account gets only its reads plus `impersonate` on the
 * mapped users and groups (a ClusterRole: users and groups are not namespaced).
 */
export function buildRbac(input: RbacInput): RbacObject[] {
  const { catalog, env } = input;
  const environment = catalog.environments[env];
  if (!environment)
    throw new Error(unknownName('environment', env, Object.keys(catalog.environments)));
  const namespaces = namespacesOf(catalog, env);
  if (namespaces.length === 0)
    throw new Error(`no service of catalog.yml has an environment "${env}"`);
  const sa = {
    kind: 'ServiceAccount',
    name: input.serviceAccount.name,
    namespace: input.serviceAccount.namespace,
  };
  const name = `mc-${env}`;
  const actions = input.actions.map((a) => a.kube);
  const reads = input.reads.map((r) => r.kube);
  if (!environment.impersonate) {
    if (input.audience === 'people')
      throw new Error(
        `environment "${env}" does not impersonate: mc acts as its own ServiceAccount, so there are no people to grant`,
      );
    return namespaces.flatMap((ns) =>
      namespaced(ns, name, mergeRules([...actions, ...reads], ns), [sa]),
    );
  }
  const { users, groups } = mappedIdentities(catalog);
  if (input.audience === 'people') {
    const group = input.peopleGroup ?? `${name}-operators`;
    const people = [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }];
    return namespaces.flatMap((ns) =>
      namespaced(ns, `${name}-people`, mergeRules(actions, ns), people),
    );
  }
  const impersonate: PolicyRule[] = [
    { apiGroups: [''], resources: ['users'], resourceNames: users, verbs: ['impersonate'] },
    ...(groups.length > 0
      ? [{ apiGroups: [''], resources: ['groups'], resourceNames: groups, verbs: ['impersonate'] }]
      : []),
  ];
  const contexts = [...new Set(namespaces.map((ns) => ns.context))];
  return [
    ...contexts.flatMap((context) => [
      { context, object: role('ClusterRole', `${name}-impersonate`, impersonate) },
      { context, object: binding('ClusterRoleBinding', `${name}-impersonate`, [sa]) },
    ]),
    ...namespaces.flatMap((ns) => namespaced(ns, name, mergeRules(reads, ns), [sa])),
  ];
}
