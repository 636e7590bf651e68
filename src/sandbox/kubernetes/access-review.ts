import type { UserInfo } from './authn.ts';
import { badRequest, KubeError } from './errors.ts';
import type { ApiResponse, ResourceRoute } from './handlers.ts';
import { isObject, type JsonObject } from './json.ts';
import { type Attributes, authorize, type Decision, grantsFor, type PolicyRule } from './rbac.ts';
import { apiVersionOf } from './resources.ts';
import type { Store } from './store.ts';

const EVERYTHING: PolicyRule = { verbs: ['*'], apiGroups: ['*'], resources: ['*'] };
const SELF_RULES: PolicyRule[] = [
  {
    verbs: ['create'],
    apiGroups: ['authorization.k8s.io'],
    resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
  },
  { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
];
const DISCOVERY_RULES: PolicyRule[] = [
  {
    verbs: ['get'],
    nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/openapi/*', '/version'],
  },
];

function invalidSpec(kind: string, field: string, message: string): KubeError {
  return new KubeError(
    422,
    `${kind}.authorization.k8s.io "" is invalid: ${field}: ${message}`,
    'Invalid',
  );
}

function attributesOf(kind: string, spec: JsonObject): Attributes {
  const res = isObject(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
  const non = isObject(spec.nonResourceAttributes) ? spec.nonResourceAttributes : undefined;
  if (Boolean(res) === Boolean(non))
    throw invalidSpec(
      kind,
      'spec.resourceAttributes',
      'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
    );
  if (non) return { verb: String(non.verb ?? ''), path: String(non.path ?? '') };
  const r = res as JsonObject;
  const text = (k: string) =>
    typeof r[k] === 'string' && r[k] !== '' ? (r[k] as string) : undefined;
  return {
    verb: text('verb') ?? '',
    group: text('group') ?? '',
    resource: text('resource'),
    subresource: text('subresource'),
    namespace: text('namespace'),
    name: text('name'),
  };
}

function decide(store: Store, user: UserInfo, a: Attributes, enforce: boolean): Decision {
  return enforce ? authorize(store, user, a) : { allowed: true, reason: '' };
}

function rulesReview(store: Store, user: UserInfo, spec: JsonObject, enforce: boolean) {
  if (typeof spec.namespace !== 'string' || spec.namespace === '')
    throw invalidSpec('SelfSubjectRulesReview', 'spec.namespace', 'Required value');
  const everything = !enforce || user.groups.includes('system:masters');
  const granted = everything
    ? [EVERYTHING]
    : grantsFor(store, user, spec.namespace).flatMap((g) => g.rules);
  const rules = [...SELF_RULES, ...granted];
  return {
    resourceRules: rules
      .filter((r) => !r.nonResourceURLs)
      .map(({ nonResourceURLs: _n, ...r }) => r),
    nonResourceRules: everything
      ? [{ verbs: ['*'], nonResourceURLs: ['*'] }]
      : [...DISCOVERY_RULES, ...granted.filter((r) => r.nonResourceURLs)].map((r) => ({
          verbs: r.verbs,
          nonResourceURLs: r.nonResourceURLs ?? [],
        })),
    incomplete: false,
  };
}

/**
 * Answers a POST to one of the review resources (SelfSubjectAccessReview, SubjectAccessReview,
 * LocalSubjectAccessReview, SelfSubjectRulesReview, SelfSubjectReview) from the emulated RBAC;
 * with RBAC off every access review is allowed, as under the AlwaysAllow authorizer.
 */
export function answerReview(
  store: Store,
  user: UserInfo,
  route: ResourceRoute,
  body: unknown,
  enforce: boolean,
): ApiResponse {
  if (!isObject(body)) throw badRequest('the request body must be a JSON object');
  const kind = route.resource.kind;
  const spec = isObject(body.spec) ? body.spec : {};
  const reply = (status: unknown) => ({
    status: 201,
    body: { kind, apiVersion: apiVersionOf(route.resource), metadata: {}, spec, status },
  });
  switch (kind) {
    case 'SelfSubjectReview':
      return reply({ userInfo: { username: user.username, groups: user.groups } });
    case 'SelfSubjectRulesReview':
      return reply(rulesReview(store, user, spec, enforce));
    case 'SelfSubjectAccessReview':
      return reply(decide(store, user, attributesOf(kind, spec), enforce));
    default: {
      const subject = typeof spec.user === 'string' ? spec.user : '';
      const groups = Array.isArray(spec.groups) ? spec.groups.map(String) : [];
      if (subject === '' && groups.length === 0)
        throw invalidSpec(
          kind,
          'spec.user',
          'Invalid value: "": at least one of user or group must be specified',
        );
      const a = attributesOf(kind, spec);
      if (kind === 'LocalSubjectAccessReview' && a.namespace !== route.namespace)
        throw invalidSpec(
          kind,
          'spec.resourceAttributes.namespace',
          `Invalid value: "${a.namespace ?? ''}": must match metadata.namespace`,
        );
      return reply(decide(store, { username: subject, groups }, a, enforce));
    }
  }
}
