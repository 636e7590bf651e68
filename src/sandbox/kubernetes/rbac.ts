import type { UserInfo } from './authn.ts';
import { KubeError } from './errors.ts';
import { isObject } from './json.ts';
import { resourceFor } from './resources.ts';
import type { Store } from './store.ts';

/** What a request does, in the terms RBAC rules speak (authorization.k8s.io ResourceAttributes). */
export interface Attributes {
  verb: string;
  group?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** Set for non-resource requests (`/api`, `/version`). */
  path?: string;
}

export interface Decision {
  allowed: boolean;
  reason: string;
}

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

/** Requests every authenticated user may make (bootstrap roles system:basic-user and system:discovery). */
const SELF_REVIEWS = new Set([
  'selfsubjectaccessreviews',
  'selfsubjectrulesreviews',
  'selfsubjectreviews',
]);
const DISCOVERY = ['/api', '/api/*', '/apis', '/apis/*', '/version', '/openapi/*'];
const PUBLIC = ['/version', '/healthz', '/livez', '/readyz'];

function has(list: string[] | undefined, value: string): boolean {
  return (list ?? []).includes('*') || (list ?? []).includes(value);
}

function pathMatches(patterns: string[], path: string): boolean {
  return patterns.some(
    (p) => p === '*' || p === path || (p.endsWith('*') && path.startsWith(p.slice(0, -1))),
  );
}

/** Whether one PolicyRule allows the attributes, with RBAC's wildcard and subresource rules. */
export function ruleAllows(rule: PolicyRule, a: Attributes): boolean {
  if (!has(rule.verbs, a.verb)) return false;
  if (a.path !== undefined) return pathMatches(rule.nonResourceURLs ?? [], a.path);
  if (!has(rule.apiGroups, a.group ?? '')) return false;
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : (a.resource ?? '');
  const resources = rule.resources ?? [];
  const resourceOk =
    resources.includes('*') ||
    resources.includes(combined) ||
    (a.subresource !== undefined && resources.includes(`*/${a.subresource}`));
  if (!resourceOk) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || (a.name !== undefined && names.includes(a.name));
}

function subjectMatches(s: Subject, user: UserInfo, bindingNamespace?: string): boolean {
  if (s.kind === 'User') return s.name === user.username;
  if (s.kind === 'Group') return user.groups.includes(s.name);
  if (s.kind === 'ServiceAccount')
    return user.username === `system:serviceaccount:${s.namespace ?? bindingNamespace}:${s.name}`;
  return false;
}

function describe(s: Subject): string {
  return s.kind === 'ServiceAccount'
    ? `ServiceAccount "${s.namespace}/${s.name}"`
    : `${s.kind} "${s.name}"`;
}

/** One binding that applies to the user, with the rules of the role it names. */
export interface Grant {
  binding: string;
  rules: PolicyRule[];
  why: string;
}

/** Every grant that applies to a user in a namespace (cluster-wide grants always). */
export function grantsFor(store: Store, user: UserInfo, namespace: string | undefined): Grant[] {
  const grants: Grant[] = [];
  const rulesOf = (kind: string, name: string, ns?: string): PolicyRule[] | undefined => {
    const role = store.get(resourceFor(kind), ns, name);
    return role && Array.isArray(role.rules) ? (role.rules as unknown as PolicyRule[]) : undefined;
  };
  const add = (
    label: string,
    binding: { metadata: { name: string; namespace?: string }; [k: string]: unknown },
  ) => {
    const ref = isObject(binding.roleRef) ? binding.roleRef : {};
    const subjects = (binding.subjects ?? []) as unknown as Subject[];
    const subject = subjects.find((s) => subjectMatches(s, user, binding.metadata.namespace));
    if (!subject) return;
    const kind = String(ref.kind);
    const rules = rulesOf(
      kind,
      String(ref.name),
      kind === 'Role' ? binding.metadata.namespace : undefined,
    );
    if (!rules) return;
    const where = binding.metadata.namespace
      ? `${binding.metadata.name}/${binding.metadata.namespace}`
      : binding.metadata.name;
    const why = `RBAC: allowed by ${label} "${where}" of ${kind} "${String(ref.name)}" to ${describe(subject)}`;
    grants.push({ binding: where, rules, why });
  };
  for (const b of store.list(resourceFor('ClusterRoleBinding'))) add('ClusterRoleBinding', b);
  if (namespace !== undefined)
    for (const b of store.list(resourceFor('RoleBinding'), namespace)) add('RoleBinding', b);
  return grants;
}

/** The built-in answers every RBAC cluster gives: system:masters may do anything, everyone may discover. */
function bootstrap(user: UserInfo, a: Attributes): boolean {
  if (user.groups.includes('system:masters')) return true;
  if (a.path !== undefined && a.verb === 'get' && pathMatches(PUBLIC, a.path)) return true;
  if (!user.groups.includes('system:authenticated')) return false;
  if (a.path !== undefined) return a.verb === 'get' && pathMatches(DISCOVERY, a.path);
  return a.verb === 'create' && SELF_REVIEWS.has(a.resource ?? '') && !a.subresource;
}

/** Decides a request the way the RBAC authorizer does, from the cluster's Roles and bindings. */
export function authorize(store: Store, user: UserInfo, a: Attributes): Decision {
  if (bootstrap(user, a)) return { allowed: true, reason: '' };
  for (const grant of grantsFor(store, user, a.namespace)) {
    if (grant.rules.some((r) => ruleAllows(r, a))) return { allowed: true, reason: grant.why };
  }
  return { allowed: false, reason: '' };
}

/** The 403 the API server answers when a request is not allowed, worded as it words it. */
export function forbidden(user: UserInfo, a: Attributes): KubeError {
  if (a.path !== undefined)
    return new KubeError(
      403,
      `forbidden: User "${user.username}" cannot ${a.verb} path "${a.path}"`,
      'Forbidden',
    );
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : (a.resource ?? '');
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  const why = `User "${user.username}" cannot ${a.verb} resource "${resource}" in API group "${a.group ?? ''}" ${scope}`;
  // `deployments.apps`, `pods`: how the API server names the resource in the message.
  const subject = a.group ? `${a.resource ?? ''}.${a.group}` : (a.resource ?? '');
  const named = a.name ? `${subject} "${a.name}"` : subject;
  return new KubeError(403, `${named} is forbidden: ${why}`, 'Forbidden', {
    ...(a.name ? { name: a.name } : {}),
    ...(a.group ? { group: a.group } : {}),
    kind: a.resource ?? '',
  });
}
