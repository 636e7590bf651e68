import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/config/schema.ts';
import { buildRbac, type RbacAudience } from '../../src/domain/rbac/build-rbac.ts';
import { workloadRules } from '../../src/domain/rbac/rules.ts';
import { catalog as base } from '../actions/world.ts';

const SET_IMAGE = {
  name: 'k8s.set-image',
  kube: {
    Deployment: [workloadRules.Deployment(['get', 'patch'])],
    Rollout: [workloadRules.Rollout(['get', 'patch'])],
  },
};
const STATUS = {
  capability: 'status',
  why: 'test',
  kube: { Deployment: [{ apiGroup: '', resource: 'pods', verbs: ['list' as const] }] },
};

function impersonating() {
  return Catalog.parse({
    ...base,
    environments: { ...base.environments, prod: { ...base.environments.prod, impersonate: true } },
    kubernetesIdentities: {
      U01ALICE01: { user: 'alice@acme.test', groups: ['sre', 'mc-prod-operators'] },
      U02BOBBY02: { user: 'bob@acme.test' },
    },
  });
}

function build(env: string, audience: RbacAudience, catalog = base, peopleGroup?: string) {
  return buildRbac({
    catalog,
    env,
    actions: [SET_IMAGE],
    reads: [STATUS],
    serviceAccount: { name: 'mc', namespace: 'mc' },
    audience,
    ...(peopleGroup ? { peopleGroup } : {}),
  }).map(({ context, object }) => ({ context, ...object }));
}

describe('domain/rbac/build-rbac', () => {
  it('grants the rules of the kind of workload each namespace runs, with the reads, nothing else', () => {
    const [role, binding] = build('staging', 'bot');
    expect(role).toMatchObject({
      kind: 'Role',
      metadata: { name: 'mc-staging', namespace: 'checkout' },
      rules: [
        { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
        {
          apiGroups: ['apps'],
          resources: ['deployments'],
          resourceNames: ['checkout'],
          verbs: ['get', 'patch'],
        },
      ],
    });
    expect(binding).toMatchObject({
      kind: 'RoleBinding',
      roleRef: { kind: 'Role', name: 'mc-staging' },
      subjects: [{ kind: 'ServiceAccount', name: 'mc', namespace: 'mc' }],
    });
    // prod runs a Rollout: the Deployment-only read does not apply there.
    const [prodRole] = build('prod', 'bot');
    expect((prodRole as { rules?: unknown } | undefined)?.rules).toEqual([
      {
        apiGroups: ['argoproj.io'],
        resources: ['rollouts'],
        resourceNames: ['checkout'],
        verbs: ['get', 'patch'],
      },
    ]);
  });

  it('with impersonate: true, gives the bot only its reads and impersonate on the mapped users and groups', () => {
    const objects = build('prod', 'bot', impersonating());
    expect(objects.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual([
      'ClusterRole mc-prod-impersonate',
      'ClusterRoleBinding mc-prod-impersonate',
    ]);
    expect(objects[0]).toMatchObject({
      rules: [
        {
          apiGroups: [''],
          resources: ['users'],
          resourceNames: ['alice@acme.test', 'bob@acme.test'],
          verbs: ['impersonate'],
        },
        {
          apiGroups: [''],
          resources: ['groups'],
          resourceNames: ['mc-prod-operators', 'sre'],
          verbs: ['impersonate'],
        },
      ],
    });
  });

  it('--for people: the actions Role bound to one group the cluster admin fills', () => {
    const [role, binding] = build('prod', 'people', impersonating(), 'deployers');
    expect(role).toMatchObject({ kind: 'Role', metadata: { name: 'mc-prod-people' } });
    expect(binding).toMatchObject({
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'deployers' }],
    });
    expect(build('prod', 'people', impersonating())[1]).toMatchObject({
      subjects: [{ kind: 'Group', name: 'mc-prod-operators' }],
    });
  });

  it('refuses people Roles where mc acts as itself, and an unknown environment', () => {
    expect(() => build('staging', 'people')).toThrow(
      'environment "staging" does not impersonate: mc acts as its own ServiceAccount',
    );
    expect(() => build('prd', 'bot')).toThrow('unknown environment "prd"');
  });
});

describe('config: impersonation in catalog.yml', () => {
  const parse = (extra: Record<string, unknown>, impersonate = true) =>
    Catalog.safeParse({
      ...base,
      environments: { ...base.environments, prod: { ...base.environments.prod, impersonate } },
      ...extra,
    });
  const messages = (r: ReturnType<typeof parse>) =>
    r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);

  it.each([
    [{}, 'environments.prod.impersonate: needs kubernetesIdentities'],
    [
      { kubernetesIdentities: { alice: { user: 'alice' } } },
      'kubernetesIdentities.alice: must be a Slack user id like U01ALICE01',
    ],
    [
      { kubernetesIdentities: { U01ALICE01: { user: 'alice', groups: ['system:masters'] } } },
      'kubernetesIdentities.U01ALICE01.groups.0: system:masters bypasses RBAC: map a real group',
    ],
    [
      { kubernetesIdentities: { U01ALICE01: { user: 'alice, bob' } } },
      'kubernetesIdentities.U01ALICE01.user: must be a Kubernetes user or group name',
    ],
  ])('refuses %j', (extra, message) => {
    expect(messages(parse(extra)).join('\n')).toContain(message);
  });

  it('accepts a mapping, and none where no environment impersonates', () => {
    const ok = parse({ kubernetesIdentities: { U01ALICE01: { user: 'alice@acme.test' } } });
    expect(messages(ok)).toEqual([]);
    expect(ok.data?.kubernetesIdentities.U01ALICE01).toEqual({
      user: 'alice@acme.test',
      groups: [],
    });
    expect(messages(parse({}, false))).toEqual([]);
  });
});
