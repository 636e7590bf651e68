import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createKubeClients,
  type KubeClients,
} from '../../../src/adapters/kubernetes/create-kube-clients.ts';
import { KubeError } from '../../../src/adapters/kubernetes/kube-error.ts';
import type { WorkloadRef } from '../../../src/adapters/kubernetes/types.ts';
import {
  containerOf,
  patchWorkload,
  readWorkload,
} from '../../../src/adapters/kubernetes/workload.ts';
import {
  type KubeEmulator,
  kubeConfigFor,
  startKubeEmulator,
} from '../../../src/sandbox/kubernetes/index.ts';

const ref: WorkloadRef = {
  context: 'gke_acme-prod',
  namespace: 'checkout',
  kind: 'Deployment',
  name: 'checkout',
};

async function failure(call: Promise<unknown>): Promise<KubeError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KubeError);
  return error as KubeError;
}

describe('src/adapters/kubernetes/kube-error', () => {
  let emulator: KubeEmulator;
  let kube: KubeClients;
  beforeEach(async () => {
    emulator = await startKubeEmulator({ autoTick: false });
    kube = createKubeClients(kubeConfigFor(emulator, [ref.context]));
  });
  afterEach(async () => {
    await emulator.close();
  });

  const seed = () =>
    emulator.seed([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'checkout', namespace: 'checkout' },
        spec: {
          selector: { matchLabels: { app: 'checkout' } },
          template: {
            metadata: { labels: { app: 'checkout' } },
            spec: { containers: [{ name: 'app', image: 'a:1' }] },
          },
        },
      },
    ]);

  it('names the object and the context on 404', async () => {
    const error = await failure(readWorkload(kube, ref));
    expect(error).toMatchObject({ status: 404, reason: 'NotFound' });
    expect(error.message).toBe('Deployment checkout/checkout not found in context gke_acme-prod');
  });

  it('explains 403 with what to check, and keeps the API server message on 422', async () => {
    seed();
    emulator.failNext(1, {
      status: 403,
      reason: 'Forbidden',
      message: 'deployments.apps "checkout" is forbidden',
    });
    const forbidden = await failure(readWorkload(kube, ref));
    expect(forbidden.message).toBe(
      'Kubernetes refused reading Deployment checkout/checkout in context gke_acme-prod: deployments.apps "checkout" is forbidden (403 Forbidden). Check the credentials and RBAC of that context.',
    );
    const patch = [{ op: 'test', path: '/spec/replicas', value: 42 }];
    const invalid = await failure(patchWorkload(kube, ref, patch, 'application/json-patch+json'));
    expect(invalid).toMatchObject({ status: 422, reason: 'Invalid' });
    expect(invalid.message).toMatch(
      /^Kubernetes refused patching Deployment checkout\/checkout in context gke_acme-prod: .+ \(422 Invalid\)$/,
    );
  });

  it('sends the Content-Type it is given (client-node would send JSON patch)', async () => {
    seed();
    await patchWorkload(kube, ref, { spec: { replicas: 2 } }, 'application/merge-patch+json');
    expect(emulator.requests.at(-1)).toMatchObject({
      method: 'PATCH',
      contentType: 'application/merge-patch+json',
      status: 200,
    });
    // The trap this guards against: a merge-shaped body with client-node's default header is a 400.
    const c = kube.forContext(ref.context);
    const raw = c.apps.patchNamespacedDeployment({
      name: 'checkout',
      namespace: 'checkout',
      body: { spec: { replicas: 3 } },
    });
    await expect(raw).rejects.toMatchObject({ code: 400 });
  });

  it('names a missing container with the ones the workload has', async () => {
    seed();
    const w = await readWorkload(kube, ref);
    expect(() => containerOf(w, 'web')).toThrow(
      'Deployment checkout/checkout in context gke_acme-prod has no container "web"; its containers: app. Fix the container in catalog.yml.',
    );
  });

  it('reports an unreachable API server as status 0', async () => {
    const closed = await startKubeEmulator({ autoTick: false });
    const far = createKubeClients(kubeConfigFor(closed, [ref.context]));
    await closed.close();
    const error = await failure(readWorkload(far, ref));
    expect(error).toMatchObject({ status: 0, reason: 'Unreachable' });
    expect(error.message).toMatch(
      /^cannot reach the Kubernetes API of context gke_acme-prod while reading Deployment checkout\/checkout: /,
    );
  });
});
