import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type KubeEmulator,
  kubeConfigFor,
  startKubeEmulator,
} from '../../../src/sandbox/kubernetes/index.ts';
import { kubeClients } from '../../support/kube.ts';
import { deployment, deploymentSeed, failure } from './fixtures.ts';

describe('sandbox/kubernetes: fault injection, request log, clusters', () => {
  let emulator: KubeEmulator;
  afterEach(async () => {
    await emulator.close();
  });

  it('failNext fails the next N matching requests with a Status body, then serves normally', async () => {
    emulator = await startKubeEmulator({ autoTick: false });
    const { apps, core } = kubeClients(kubeConfigFor(emulator, ['prod']));
    emulator.seed([deploymentSeed('checkout', 'reg/checkout:v1', 'shop')]);
    emulator.failNext(2, { status: 500, method: 'GET', pathPattern: /\/deployments\/checkout$/ });

    await core.listNamespacedPod({ namespace: 'shop' }); // does not match: served
    const first = await failure(
      apps.readNamespacedDeployment({ name: 'checkout', namespace: 'shop' }),
    );
    expect(first.code).toBe(500);
    expect(first.status).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'InternalError',
      code: 500,
    });
    expect(
      (await failure(apps.readNamespacedDeployment({ name: 'checkout', namespace: 'shop' }))).code,
    ).toBe(500);
    const third = await apps.readNamespacedDeployment({ name: 'checkout', namespace: 'shop' });
    expect(third.metadata?.name).toBe('checkout');

    emulator.failNext(1, {
      status: 409,
      pathPattern: 'checkout',
      reason: 'Conflict',
      message: 'try again',
    });
    const conflict = await failure(
      apps.replaceNamespacedDeployment({ name: 'checkout', namespace: 'shop', body: third }),
    );
    expect(conflict.status).toMatchObject({ code: 409, reason: 'Conflict', message: 'try again' });
    expect(emulator.get('Deployment', 'shop', 'checkout')?.metadata.resourceVersion).toBe(
      third.metadata?.resourceVersion,
    );

    expect(emulator.requests.map((r) => [r.method, r.path, r.status, r.injected ?? false])).toEqual(
      [
        ['GET', '/api/v1/namespaces/shop/pods', 200, false],
        ['GET', '/apis/apps/v1/namespaces/shop/deployments/checkout', 500, true],
        ['GET', '/apis/apps/v1/namespaces/shop/deployments/checkout', 500, true],
        ['GET', '/apis/apps/v1/namespaces/shop/deployments/checkout', 200, false],
        ['PUT', '/apis/apps/v1/namespaces/shop/deployments/checkout', 409, true],
      ],
    );
    expect(emulator.requests.at(-1)?.contentType).toBe('application/json');
    expect(emulator.unexpected).toEqual([]);
  });

  it('in strict mode close() fails when an unexpected request was made', async () => {
    const strict = await startKubeEmulator({ autoTick: false });
    const response = await fetch(`${strict.url}/apis/batch/v1/namespaces/x/cronjobs`);
    expect(response.status).toBe(404);
    await expect(strict.close()).rejects.toThrow(
      /GET \/apis\/batch\/v1\/namespaces\/x\/cronjobs → 404/,
    );
    emulator = await startKubeEmulator({ autoTick: false, strict: false });
    await fetch(`${emulator.url}/nope`);
    expect(emulator.unexpected).toHaveLength(1); // recorded, but close() will not throw
  });

  it('a KubeConfig with one context per cluster keeps staging and prod apart', async () => {
    emulator = await startKubeEmulator({ autoTick: false });
    const kc = kubeConfigFor(emulator, ['staging', 'prod'], { clusterPerContext: true });
    expect(kc.getContexts().map((c) => c.name)).toEqual(['staging', 'prod']);
    expect(kc.getCurrentContext()).toBe('staging');
    const staging = kc.makeApiClient(AppsV1Api);
    kc.setCurrentContext('prod');
    const prod = kc.makeApiClient(AppsV1Api);
    await staging.createNamespacedDeployment({
      namespace: 'shop',
      body: deployment('checkout', 'reg/checkout:v2'),
    });
    expect(
      (await failure(prod.readNamespacedDeployment({ name: 'checkout', namespace: 'shop' }))).code,
    ).toBe(404);
    expect(emulator.get('Deployment', 'shop', 'checkout', 'staging')).toBeDefined();
    expect(emulator.get('Deployment', 'shop', 'checkout', 'prod')).toBeUndefined();
    expect(emulator.requests.map((r) => r.cluster)).toEqual(['staging', 'prod']);

    const shared = kubeConfigFor(emulator, ['a', 'b']);
    shared.setCurrentContext('b');
    await shared
      .makeApiClient(CoreV1Api)
      .createNamespacedConfigMap({ namespace: 'shop', body: { metadata: { name: 'x' } } });
    expect(emulator.get('ConfigMap', 'shop', 'x')).toBeDefined(); // shared contexts use the default cluster
  });
});
