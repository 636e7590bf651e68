import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeEmulator } from '../../../src/sandbox/kubernetes/index.ts';
import { type KubeClients, startKube } from '../../support/kube.ts';
import { deployment, failure } from './fixtures.ts';

describe('sandbox/kubernetes: CRUD through client-node', () => {
  let kube: KubeClients & { emulator: KubeEmulator };
  beforeEach(async () => {
    kube = await startKube({ autoTick: false });
  });
  afterEach(async () => {
    await kube.emulator.close();
  });

  it('creates, reads, lists, replaces and deletes a Deployment with API-server metadata', async () => {
    const created = await kube.apps.createNamespacedDeployment({
      namespace: 'shop',
      body: deployment('checkout', 'reg/checkout:v1'),
    });
    expect(created.kind).toBe('Deployment');
    expect(created.apiVersion).toBe('apps/v1');
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.namespace).toBe('shop');
    expect(created.metadata?.generation).toBe(1);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(created.spec?.strategy?.rollingUpdate?.maxSurge).toBe('25%');
    expect(created.spec?.progressDeadlineSeconds).toBe(600);

    const read = await kube.apps.readNamespacedDeployment({ name: 'checkout', namespace: 'shop' });
    expect(read.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);

    const list = await kube.apps.listNamespacedDeployment({ namespace: 'shop' });
    expect(list.kind).toBe('DeploymentList');
    expect(list.items.map((d) => d.metadata?.name)).toEqual(['checkout']);
    expect(Number(list.metadata?.resourceVersion)).toBeGreaterThanOrEqual(
      Number(created.metadata?.resourceVersion),
    );

    read.metadata = { ...read.metadata, labels: { app: 'checkout', team: 'payments' } };
    const relabelled = await kube.apps.replaceNamespacedDeployment({
      name: 'checkout',
      namespace: 'shop',
      body: read,
    });
    expect(relabelled.metadata?.generation).toBe(1); // metadata-only change: generation stays
    expect(Number(relabelled.metadata?.resourceVersion)).toBeGreaterThan(
      Number(read.metadata?.resourceVersion),
    );

    relabelled.spec!.replicas = 5;
    const rescaled = await kube.apps.replaceNamespacedDeployment({
      name: 'checkout',
      namespace: 'shop',
      body: relabelled,
    });
    expect(rescaled.metadata?.generation).toBe(2);

    const unchanged = await kube.apps.replaceNamespacedDeployment({
      name: 'checkout',
      namespace: 'shop',
      body: rescaled,
    });
    expect(unchanged.metadata?.resourceVersion).toBe(rescaled.metadata?.resourceVersion); // no-op write

    const gone = await kube.apps.deleteNamespacedDeployment({
      name: 'checkout',
      namespace: 'shop',
    });
    expect(gone).toMatchObject({
      kind: 'Status',
      status: 'Success',
      details: { name: 'checkout', group: 'apps', kind: 'deployments' },
    });
    expect(kube.emulator.get('Deployment', 'shop', 'checkout')).toBeUndefined();
  });

  it('answers NotFound, AlreadyExists and Conflict with the API server Status shapes', async () => {
    const missing = await failure(
      kube.apps.readNamespacedDeployment({ name: 'ghost', namespace: 'shop' }),
    );
    expect(missing).toEqual({
      code: 404,
      status: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'deployments.apps "ghost" not found',
        reason: 'NotFound',
        details: { name: 'ghost', group: 'apps', kind: 'deployments' },
        code: 404,
      },
    });
    const missingPod = await failure(
      kube.core.readNamespacedPod({ name: 'ghost', namespace: 'shop' }),
    );
    expect(missingPod.status.message).toBe('pods "ghost" not found');
    expect(missingPod.status.details).toEqual({ name: 'ghost', kind: 'pods' });

    const first = await kube.apps.createNamespacedDeployment({
      namespace: 'shop',
      body: deployment('checkout', 'reg/checkout:v1'),
    });
    const duplicate = await failure(
      kube.apps.createNamespacedDeployment({
        namespace: 'shop',
        body: deployment('checkout', 'reg/checkout:v1'),
      }),
    );
    expect(duplicate.code).toBe(409);
    expect(duplicate.status).toMatchObject({
      reason: 'AlreadyExists',
      message: 'deployments.apps "checkout" already exists',
    });

    await kube.apps.patchNamespacedDeploymentScale({
      name: 'checkout',
      namespace: 'shop',
      body: [{ op: 'replace', path: '/spec/replicas', value: 4 }],
    });
    const stale = { ...first, spec: { ...first.spec!, replicas: 1 } };
    const conflict = await failure(
      kube.apps.replaceNamespacedDeployment({ name: 'checkout', namespace: 'shop', body: stale }),
    );
    expect(conflict.code).toBe(409);
    expect(conflict.status.reason).toBe('Conflict');
    expect(conflict.status.message).toBe(
      'Operation cannot be fulfilled on deployments.apps "checkout": the object has been modified; please apply your changes to the latest version and try again',
    );
    expect(kube.emulator.get('Deployment', 'shop', 'checkout')?.spec).toMatchObject({
      replicas: 4,
    });

    const renamed = await failure(
      kube.apps.replaceNamespacedDeployment({
        name: 'checkout',
        namespace: 'shop',
        body: deployment('other', 'x:1'),
      }),
    );
    expect(renamed.code).toBe(400);
    const selector = deployment('checkout', 'reg/checkout:v1');
    selector.spec!.selector = { matchLabels: { app: 'checkout', tier: 'web' } };
    const immutable = await failure(
      kube.apps.replaceNamespacedDeployment({
        name: 'checkout',
        namespace: 'shop',
        body: selector,
      }),
    );
    expect(immutable.code).toBe(422);
    expect(immutable.status.reason).toBe('Invalid');
  });

  it('serves ConfigMaps: create, merge patch of data, replace, delete', async () => {
    await kube.core.createNamespacedConfigMap({
      namespace: 'shop',
      body: { metadata: { name: 'flags' }, data: { checkout_v2: 'off', banner: 'on' } },
    });
    const { PatchStrategy, setHeaderOptions } = await import('@kubernetes/client-node');
    const patched = await kube.core.patchNamespacedConfigMap(
      { name: 'flags', namespace: 'shop', body: { data: { checkout_v2: 'on', banner: null } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(patched.data).toEqual({ checkout_v2: 'on' });
    expect(patched.metadata?.generation).toBeUndefined();
    const list = await kube.core.listNamespacedConfigMap({ namespace: 'shop' });
    expect(list.kind).toBe('ConfigMapList');
    expect(list.items[0]?.data).toEqual({ checkout_v2: 'on' });
    const deleted = await kube.core.deleteNamespacedConfigMap({ name: 'flags', namespace: 'shop' });
    expect(deleted.status).toBe('Success');
    expect(
      (await failure(kube.core.readNamespacedConfigMap({ name: 'flags', namespace: 'shop' }))).code,
    ).toBe(404);
  });

  it('serves Leases: replace with the current resourceVersion wins, a stale one gets 409', async () => {
    const lease = await kube.coordination.createNamespacedLease({
      namespace: 'mc',
      body: {
        metadata: { name: 'mc-leader' },
        spec: { holderIdentity: 'bot-a', leaseDurationSeconds: 15, renewTime: new Date() },
      },
    });
    const renewed = await kube.coordination.replaceNamespacedLease({
      name: 'mc-leader',
      namespace: 'mc',
      body: { ...lease, spec: { ...lease.spec, holderIdentity: 'bot-a', renewTime: new Date() } },
    });
    expect(renewed.metadata?.resourceVersion).not.toBe(lease.metadata?.resourceVersion);
    // bot-b read the lease before bot-a renewed it: its takeover must lose.
    const takeover = { ...lease, spec: { ...lease.spec, holderIdentity: 'bot-b' } };
    const lost = await failure(
      kube.coordination.replaceNamespacedLease({
        name: 'mc-leader',
        namespace: 'mc',
        body: takeover,
      }),
    );
    expect(lost.code).toBe(409);
    expect(lost.status.message).toContain('leases.coordination.k8s.io "mc-leader"');
    const now = await kube.coordination.readNamespacedLease({ name: 'mc-leader', namespace: 'mc' });
    expect(now.spec?.holderIdentity).toBe('bot-a');
    // MicroTime: client-node hands back the API server's string, six fractional digits.
    expect(String(now.spec?.renewTime)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  it('lists namespaces, including the ones objects were created in', async () => {
    await kube.core.createNamespacedConfigMap({
      namespace: 'payments',
      body: { metadata: { name: 'x' } },
    });
    const namespaces = await kube.core.listNamespace();
    expect(namespaces.items.map((n) => n.metadata?.name)).toEqual([
      'default',
      'kube-system',
      'payments',
    ]);
  });

  it('records an unknown path as unexpected and answers 404', async () => {
    const { BatchV1Api } = await import('@kubernetes/client-node');
    const batch = kube.kc.makeApiClient(BatchV1Api);
    const answer = await failure(batch.listNamespacedJob({ namespace: 'shop' }));
    expect(answer.code).toBe(404);
    expect(answer.status.message).toBe('the server could not find the requested resource');
    expect(kube.emulator.unexpected.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /apis/batch/v1/namespaces/shop/jobs',
    ]);
    expect(() => kube.emulator.assertNoUnexpected()).toThrow(/1 unexpected request/);
    kube.emulator.unexpected.length = 0;
  });
});
