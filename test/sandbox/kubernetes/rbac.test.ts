import {
  AppsV1Api,
  AuthorizationV1Api,
  RbacAuthorizationV1Api,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type KubeEmulator,
  kubeConfigFor,
  startKubeEmulator,
} from '../../../src/sandbox/kubernetes/index.ts';
import { deploymentSeed, failure } from './fixtures.ts';
import { openWatch } from './watch-stream.ts';

const USERS = [
  { token: 'alice-token', username: 'alice', groups: ['deployers'] },
  { token: 'bob-token', username: 'bob' },
];
const SCALE = [{ op: 'replace', path: '/spec/replicas', value: 4 }];

describe('sandbox/kubernetes: RBAC and access reviews', () => {
  let kube: KubeEmulator;
  const as = (token?: string) => kubeConfigFor(kube, ['test'], token ? { token } : {});
  beforeEach(async () => {
    kube = await startKubeEmulator({ autoTick: false, rbac: true, users: USERS });
    kube.seed([deploymentSeed('checkout', 'reg/checkout:v1', 'checkout')]);
  });
  afterEach(async () => {
    await kube.close();
  });

  async function grantPatch(subject: { kind: string; name: string }) {
    const rbac = as().makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRole({
      namespace: 'checkout',
      body: {
        metadata: { name: 'deployer' },
        rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'patch'] }],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: 'checkout',
      body: {
        metadata: { name: 'deployers' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'deployer' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', ...subject }],
      },
    });
  }

  it('refuses what no binding grants with the API server 403, and allows it once a RoleBinding does', async () => {
    const apps = as('alice-token').makeApiClient(AppsV1Api);
    const patch = () =>
      apps.patchNamespacedDeployment({ name: 'checkout', namespace: 'checkout', body: SCALE });
    const denied = await failure(patch());
    expect(denied.code).toBe(403);
    expect(denied.status).toMatchObject({
      reason: 'Forbidden',
      details: { name: 'checkout', group: 'apps', kind: 'deployments' },
    });
    expect(denied.status.message).toBe(
      'deployments.apps "checkout" is forbidden: User "alice" cannot patch resource "deployments" in API group "apps" in the namespace "checkout"',
    );
    await grantPatch({ kind: 'Group', name: 'deployers' });
    expect((await patch()).spec?.replicas).toBe(4);
    // The Role is namespaced: other namespaces and other verbs stay closed.
    const list = await failure(apps.listNamespacedDeployment({ namespace: 'payments' }));
    expect(list.status.message).toBe(
      'deployments.apps is forbidden: User "alice" cannot list resource "deployments" in API group "apps" in the namespace "payments"',
    );
    const scale = await failure(
      apps.patchNamespacedDeploymentScale({ name: 'checkout', namespace: 'checkout', body: SCALE }),
    );
    expect(scale.status.message).toContain('cannot patch resource "deployments/scale"');
  });

  it('answers unknown tokens 401 and keeps the admin token all-powerful', async () => {
    const stranger = as('nobody-token').makeApiClient(AppsV1Api);
    // client-node drops the body of a 401; the code is what it reports.
    await expect(
      stranger.listNamespacedDeployment({ namespace: 'checkout' }),
    ).rejects.toMatchObject({
      code: 401,
    });
    const last = kube.requests.at(-1);
    expect(last?.status).toBe(401);
    const admin = as().makeApiClient(AppsV1Api);
    const list = await admin.listNamespacedDeployment({ namespace: 'checkout' });
    expect(list.items.map((d) => d.metadata?.name)).toEqual(['checkout']);
  });

  it('answers SelfSubjectAccessReview and SubjectAccessReview from the bindings, with the reason', async () => {
    await grantPatch({ kind: 'User', name: 'alice' });
    const review = (token: string) =>
      as(token)
        .makeApiClient(AuthorizationV1Api)
        .createSelfSubjectAccessReview({
          body: {
            spec: {
              resourceAttributes: {
                namespace: 'checkout',
                verb: 'patch',
                group: 'apps',
                resource: 'deployments',
              },
            },
          },
        });
    expect((await review('alice-token')).status).toEqual({
      allowed: true,
      reason:
        'RBAC: allowed by RoleBinding "deployers/checkout" of Role "deployer" to User "alice"',
    });
    expect((await review('bob-token')).status?.allowed).toBe(false);

    const admin = as().makeApiClient(AuthorizationV1Api);
    const sar = await admin.createSubjectAccessReview({
      body: {
        spec: {
          user: 'bob',
          resourceAttributes: {
            namespace: 'checkout',
            verb: 'get',
            group: 'apps',
            resource: 'deployments',
          },
        },
      },
    });
    expect(sar.status?.allowed).toBe(false);
    // Creating SubjectAccessReviews is itself a privilege bob does not have.
    const asBob = as('bob-token').makeApiClient(AuthorizationV1Api);
    const refused = await failure(asBob.createSubjectAccessReview({ body: sar }));
    expect(refused.status.message).toContain(
      'User "bob" cannot create resource "subjectaccessreviews" in API group "authorization.k8s.io" at the cluster scope',
    );
  });

  it('honours Impersonate-User only for requesters allowed to impersonate', async () => {
    await grantPatch({ kind: 'User', name: 'bob' });
    const impersonating = (token?: string) =>
      as(token)
        .makeApiClient(AppsV1Api)
        .readNamespacedDeployment(
          { name: 'checkout', namespace: 'checkout' },
          setHeaderOptions('Impersonate-User', 'bob'),
        );
    // The admin may impersonate bob, and then gets bob's rights, which include get.
    expect((await impersonating()).metadata?.name).toBe('checkout');
    const refused = await failure(impersonating('alice-token'));
    expect(refused.status.message).toBe(
      'users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope',
    );
    const asBob = await failure(
      as()
        .makeApiClient(AppsV1Api)
        .listNamespacedDeployment(
          { namespace: 'shop' },
          setHeaderOptions('Impersonate-User', 'bob'),
        ),
    );
    expect(asBob.status.message).toContain('User "bob" cannot list resource "deployments"');
  });

  it('grants cluster-wide through a ClusterRoleBinding, limited to resourceNames, to a ServiceAccount', async () => {
    const rbac = as().makeApiClient(RbacAuthorizationV1Api);
    await rbac.createClusterRole({
      body: {
        metadata: { name: 'checkout-reader' },
        rules: [
          {
            apiGroups: ['apps'],
            resources: ['deployments', 'deployments/scale'],
            resourceNames: ['checkout'],
            verbs: ['get'],
          },
        ],
      },
    });
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: 'bot-reads-checkout' },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'checkout-reader',
        },
        subjects: [{ kind: 'ServiceAccount', name: 'mc', namespace: 'ops' }],
      },
    });
    const admin = as().makeApiClient(AuthorizationV1Api);
    const review = async (name: string, subresource?: string) =>
      (
        await admin.createSubjectAccessReview({
          body: {
            spec: {
              user: 'system:serviceaccount:ops:mc',
              resourceAttributes: {
                namespace: 'payments',
                verb: 'get',
                group: 'apps',
                resource: 'deployments',
                name,
                ...(subresource ? { subresource } : {}),
              },
            },
          },
        })
      ).status;
    expect(await review('checkout')).toEqual({
      allowed: true,
      reason:
        'RBAC: allowed by ClusterRoleBinding "bot-reads-checkout" of ClusterRole "checkout-reader" to ServiceAccount "ops/mc"',
    });
    expect((await review('checkout', 'scale'))?.allowed).toBe(true);
    expect((await review('payments'))?.allowed).toBe(false);
    // A LocalSubjectAccessReview must ask about its own namespace.
    const local = await failure(
      admin.createNamespacedLocalSubjectAccessReview({
        namespace: 'checkout',
        body: {
          metadata: { namespace: 'checkout' },
          spec: {
            user: 'bob',
            resourceAttributes: { namespace: 'payments', verb: 'get', resource: 'pods' },
          },
        },
      }),
    );
    expect(local).toMatchObject({ code: 422, status: { reason: 'Invalid' } });
  });

  it('answers SelfSubjectRulesReview with the rules of the bindings in the namespace', async () => {
    await grantPatch({ kind: 'Group', name: 'deployers' });
    const rules = async (namespace: string) =>
      (
        await as('alice-token')
          .makeApiClient(AuthorizationV1Api)
          .createSelfSubjectRulesReview({ body: { spec: { namespace } } })
      ).status?.resourceRules ?? [];
    const granted = { verbs: ['get', 'patch'], apiGroups: ['apps'], resources: ['deployments'] };
    expect(await rules('checkout')).toContainEqual(expect.objectContaining(granted));
    expect(await rules('payments')).not.toContainEqual(expect.objectContaining(granted));
  });

  it('needs the watch verb to watch one object: get alone is refused with 403', async () => {
    await grantPatch({ kind: 'User', name: 'bob' });
    const stream = await openWatch(
      as('bob-token'),
      '/apis/apps/v1/namespaces/checkout/deployments/checkout',
    );
    expect(await stream.ended).toMatchObject({ statusCode: 403 });
    expect(kube.requests.at(-1)).toMatchObject({ status: 403, query: { watch: 'true' } });
  });

  it('allows everything, and says so in access reviews, when RBAC is off (the default)', async () => {
    const open = await startKubeEmulator({ autoTick: false });
    const review = await kubeConfigFor(open, ['test'], { token: 'any-token' })
      .makeApiClient(AuthorizationV1Api)
      .createSelfSubjectAccessReview({
        body: {
          spec: { resourceAttributes: { namespace: 'x', verb: 'delete', resource: 'pods' } },
        },
      });
    expect(review.status?.allowed).toBe(true);
    await open.close();
  });
});
