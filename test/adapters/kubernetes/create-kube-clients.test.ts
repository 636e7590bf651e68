import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKubeClients } from '../../../src/adapters/kubernetes/create-kube-clients.ts';
import { KubeError } from '../../../src/adapters/kubernetes/kube-error.ts';
import { readWorkload } from '../../../src/adapters/kubernetes/workload.ts';
import {
  type KubeEmulator,
  kubeConfigFor,
  startKubeEmulator,
} from '../../../src/sandbox/kubernetes/index.ts';

function deployment(image: string) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image }] },
      },
    },
  };
}

describe('src/adapters/kubernetes/create-kube-clients', () => {
  let emulator: KubeEmulator;
  beforeEach(async () => {
    emulator = await startKubeEmulator({ autoTick: false });
  });
  afterEach(async () => {
    await emulator.close();
  });

  it('gives each context clients bound to its own cluster, cached', async () => {
    emulator.seed([deployment('reg/web:staging')], 'staging');
    emulator.seed([deployment('reg/web:prod')], 'prod');
    // The kubeconfig's current context is staging: forContext must not depend on it.
    const kube = createKubeClients(
      kubeConfigFor(emulator, ['staging', 'prod'], { clusterPerContext: true }),
    );
    expect(kube.contexts()).toEqual(['staging', 'prod']);
    const read = async (context: string) => {
      const w = await readWorkload(kube, {
        context,
        namespace: 'shop',
        kind: 'Deployment',
        name: 'web',
      });
      return w.template.spec.containers[0]?.image;
    };
    expect(await read('prod')).toBe('reg/web:prod');
    expect(await read('staging')).toBe('reg/web:staging');
    expect(kube.forContext('prod')).toBe(kube.forContext('prod'));
    expect(emulator.requests.map((r) => r.cluster)).toEqual(['prod', 'staging']);
  });

  it('refuses a context the kubeconfig lacks, suggesting the close one', () => {
    const kube = createKubeClients(kubeConfigFor(emulator, ['staging', 'prod']));
    const attempt = () => kube.forContext('prd');
    expect(attempt).toThrow(KubeError);
    expect(attempt).toThrow(
      'the kubeconfig has no context "prd" (known: staging, prod). Did you mean "prod"? Check KUBECONFIG and the contexts in catalog.yml.',
    );
  });
});
