import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeEmulator } from '../../../src/sandbox/kubernetes/index.ts';
import { type KubeClients, startKube } from '../../support/kube.ts';
import { deployment, failure } from './fixtures.ts';

const at = { name: 'checkout', namespace: 'shop' };
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

describe('sandbox/kubernetes: patch types through client-node', () => {
  let kube: KubeClients & { emulator: KubeEmulator };
  beforeEach(async () => {
    kube = await startKube({ autoTick: false });
    await kube.apps.createNamespacedDeployment({
      namespace: 'shop',
      body: deployment('checkout', 'reg/checkout:v1'),
    });
  });
  afterEach(async () => {
    await kube.emulator.close();
  });

  const container = async () =>
    (await kube.apps.readNamespacedDeployment(at)).spec?.template.spec?.containers ?? [];

  it('strategic merge patch merges containers and env by name and honours $patch: delete', async () => {
    const body = {
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'app',
                image: 'reg/checkout:v2',
                env: [
                  { name: 'FEATURE_X', value: '1' },
                  { name: 'LOG_LEVEL', $patch: 'delete' },
                ],
              },
            ],
          },
        },
      },
    };
    const patched = await kube.apps.patchNamespacedDeployment({ ...at, body }, strategic);
    expect(patched.metadata?.generation).toBe(2);
    const [app] = await container();
    expect(app?.image).toBe('reg/checkout:v2');
    expect(app?.env).toEqual([{ name: 'FEATURE_X', value: '1' }]);
    // The untouched sibling field survives, with the protocol the API server defaults.
    expect(app?.ports).toEqual([{ containerPort: 8080, protocol: 'TCP' }]);
    expect(kube.emulator.requests.at(-2)?.contentType).toBe(
      'application/strategic-merge-patch+json',
    );
  });

  it('merge patch (RFC 7386) replaces lists wholesale: env not restated is gone', async () => {
    const body = {
      spec: { template: { spec: { containers: [{ name: 'app', image: 'reg/checkout:v2' }] } } },
    };
    await kube.apps.patchNamespacedDeployment({ ...at, body }, merge);
    const [app] = await container();
    expect(app?.image).toBe('reg/checkout:v2');
    expect(app?.env).toBeUndefined();
    expect(app?.imagePullPolicy).toBe('IfNotPresent'); // defaulted again, as the API server does
  });

  it('JSON patch (RFC 6902) is the client default; a failing test op leaves the object untouched', async () => {
    const image = '/spec/template/spec/containers/0/image';
    await kube.apps.patchNamespacedDeployment({
      ...at,
      body: [
        { op: 'test', path: image, value: 'reg/checkout:v1' },
        { op: 'replace', path: image, value: 'reg/checkout:v2' },
      ],
    });
    expect(kube.emulator.requests.at(-1)?.contentType).toBe('application/json-patch+json');
    expect((await container())[0]?.image).toBe('reg/checkout:v2');

    const before = kube.emulator.get('Deployment', 'shop', 'checkout');
    const refused = await failure(
      kube.apps.patchNamespacedDeployment({
        ...at,
        body: [
          { op: 'replace', path: '/spec/replicas', value: 9 },
          { op: 'test', path: image, value: 'reg/checkout:v1' },
        ],
      }),
    );
    expect(refused.code).toBe(422);
    expect(kube.emulator.get('Deployment', 'shop', 'checkout')).toEqual(before);

    const ops = [
      { op: 'add', path: '/metadata/annotations', value: { 'kubernetes.io/change-cause': 'v3' } },
      {
        op: 'copy',
        from: '/metadata/annotations/kubernetes.io~1change-cause',
        path: '/metadata/labels/cause',
      },
      { op: 'move', from: '/metadata/labels/cause', path: '/metadata/labels/release' },
      { op: 'remove', path: '/spec/template/spec/containers/0/env/0' },
      {
        op: 'add',
        path: '/spec/template/spec/containers/0/env/-',
        value: { name: 'B', value: '2' },
      },
    ];
    const patched = await kube.apps.patchNamespacedDeployment({ ...at, body: ops });
    expect(patched.metadata?.labels).toEqual({ app: 'checkout', release: 'v3' });
    expect(patched.spec?.template.spec?.containers[0]?.env).toEqual([{ name: 'B', value: '2' }]);
  });

  it('a merge-shaped body sent without a patch Content-Type is refused (the default is JSON patch)', async () => {
    const refused = await failure(
      kube.apps.patchNamespacedDeployment({ ...at, body: { spec: { replicas: 5 } } }),
    );
    expect(refused.code).toBe(400);
    expect(kube.emulator.get('Deployment', 'shop', 'checkout')?.spec).toMatchObject({
      replicas: 3,
    });
  });

  it('a patch carrying a stale metadata.resourceVersion is a 409 Conflict', async () => {
    const current = await kube.apps.readNamespacedDeployment(at);
    await kube.apps.patchNamespacedDeployment({ ...at, body: { spec: { replicas: 4 } } }, merge);
    const body = {
      metadata: { resourceVersion: current.metadata?.resourceVersion },
      spec: { replicas: 1 },
    };
    const stale = await failure(kube.apps.patchNamespacedDeployment({ ...at, body }, merge));
    expect(stale.code).toBe(409);
    expect(stale.status.reason).toBe('Conflict');
    const fresh = await kube.apps.readNamespacedDeployment(at);
    const ok = await kube.apps.patchNamespacedDeployment(
      { ...at, body: { ...body, metadata: { resourceVersion: fresh.metadata?.resourceVersion } } },
      merge,
    );
    expect(ok.spec?.replicas).toBe(1);
  });

  it('strategic merge patch on a custom resource is 415 UnsupportedMediaType', async () => {
    kube.emulator.seed([
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Rollout',
        metadata: { name: 'web', namespace: 'shop' },
      },
    ]);
    const target = {
      group: 'argoproj.io',
      version: 'v1alpha1',
      namespace: 'shop',
      plural: 'rollouts',
      name: 'web',
    };
    const refused = await failure(
      kube.custom.patchNamespacedCustomObject(
        { ...target, body: { spec: { paused: true } } },
        strategic,
      ),
    );
    expect(refused.code).toBe(415);
    expect(refused.status.reason).toBe('UnsupportedMediaType');
    const ok = (await kube.custom.patchNamespacedCustomObject(
      { ...target, body: { spec: { paused: true } } },
      merge,
    )) as { spec: { paused: boolean } };
    expect(ok.spec.paused).toBe(true);
  });
});
