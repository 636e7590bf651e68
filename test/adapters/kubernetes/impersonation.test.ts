import { RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKubeClients } from '../../../src/adapters/kubernetes/create-kube-clients.ts';
import { KubeError } from '../../../src/adapters/kubernetes/kube-error.ts';
import { readWorkload } from '../../../src/adapters/kubernetes/workload.ts';
import {
  type KubeEmulator,
  kubeConfigFor,
  startKubeEmulator,
} from '../../../src/sandbox/kubernetes/index.ts';

const BOT = { token: 'bot-token', username: 'system:serviceaccount:mc:mc' };
const REF = { context: 'prod', namespace: 'shop', kind: 'Deployment', name: 'web' } as const;
const RBAC = 'rbac.authorization.k8s.io';

describe('src/adapters/kubernetes/impersonation', () => {
  let emulator: KubeEmulator;
  beforeEach(async () => {
    emulator = await startKubeEmulator({ autoTick: false, rbac: true, users: [BOT] });
    emulator.seed(
      [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web', namespace: 'shop' },
          spec: {
            selector: { matchLabels: { app: 'web' } },
            template: {
              metadata: { labels: { app: 'web' } },
              spec: { containers: [{ name: 'web', image: 'reg/web:1' }] },
            },
          },
        },
      ],
      'prod',
    );
    const rbac = kubeConfigFor(emulator, ['prod'], { clusterPerContext: true }).makeApiClient(
      RbacAuthorizationV1Api,
    );
    // The bot may impersonate alice and her two groups; only the group "web-readers" may read.
    await rbac.createClusterRole({
      body: {
        metadata: { name: 'mc-impersonate' },
        rules: [
          {
            apiGroups: [''],
            resources: ['users'],
            resourceNames: ['alice'],
            verbs: ['impersonate'],
          },
          {
            apiGroups: [''],
            resources: ['groups'],
            resourceNames: ['sre', 'web-readers'],
            verbs: ['impersonate'],
          },
        ],
      },
    });
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: 'mc-impersonate' },
        roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'mc-impersonate' },
        subjects: [{ kind: 'ServiceAccount', name: 'mc', namespace: 'mc' }],
      },
    });
    await rbac.createNamespacedRole({
      namespace: 'shop',
      body: {
        metadata: { name: 'read' },
        rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] }],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: 'shop',
      body: {
        metadata: { name: 'read' },
        roleRef: { apiGroup: RBAC, kind: 'Role', name: 'read' },
        subjects: [{ apiGroup: RBAC, kind: 'Group', name: 'web-readers' }],
      },
    });
  });
  afterEach(async () => {
    await emulator.close();
  });

  const bot = () =>
    createKubeClients(
      kubeConfigFor(emulator, ['prod'], { clusterPerContext: true, token: BOT.token }),
    );

  it('sends the user and each group as its own header, so the cluster decides for that person', async () => {
    const alice = bot().impersonate({ user: 'alice', groups: ['sre', 'web-readers'] });
    const w = await readWorkload(alice, REF);
    expect(w.template.spec.containers[0]?.image).toBe('reg/web:1');
    expect(emulator.requests.at(-1)?.user).toEqual({
      username: 'alice',
      groups: ['sre', 'web-readers', 'system:authenticated'],
    });
  });

  it('is refused as the person when their groups do not grant it, and as the bot when it may not impersonate them', async () => {
    const alone = bot().impersonate({ user: 'alice', groups: ['sre'] });
    const denied = await readWorkload(alone, REF).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(KubeError);
    expect((denied as KubeError).message).toContain(
      'User "alice" cannot get resource "deployments" in API group "apps" in the namespace "shop"',
    );
    const mallory = bot().impersonate({ user: 'mallory', groups: [] });
    const refused = await readWorkload(mallory, REF).catch((e: unknown) => e);
    expect((refused as KubeError).message).toContain(
      'User "system:serviceaccount:mc:mc" cannot impersonate resource "users"',
    );
  });

  it('keeps one set of clients per person, and leaves the bot itself unimpersonated', async () => {
    const kube = bot();
    const a = kube.impersonate({ user: 'alice', groups: ['sre', 'web-readers'] });
    expect(kube.impersonate({ user: 'alice', groups: ['web-readers', 'sre'] })).toBe(a);
    await readWorkload(kube, REF).catch(() => undefined);
    expect(emulator.requests.at(-1)?.user?.username).toBe(BOT.username);
  });
});
