import { ApiException, type V1Deployment } from '@kubernetes/client-node';
import type { SeedObject, StatusBody } from '../../../src/sandbox/kubernetes/index.ts';

/** A Deployment body as a release pipeline would create it. */
export function deployment(name: string, image: string, replicas = 3): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: 'app',
              image,
              env: [{ name: 'LOG_LEVEL', value: 'info' }],
              ports: [{ containerPort: 8080 }],
            },
          ],
        },
      },
    },
  };
}

/** The same Deployment as a seed for `emulator.seed`, placed in a namespace. */
export function deploymentSeed(name: string, image: string, namespace: string): SeedObject {
  const body = deployment(name, image);
  return {
    ...body,
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels: { app: name } },
  };
}

/** The HTTP code and parsed Status body of a failed client-node call (fails if it succeeded). */
export async function failure(
  call: Promise<unknown>,
): Promise<{ code: number; status: StatusBody }> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    return { code: error.code, status: JSON.parse(String(error.body)) as StatusBody };
  }
  throw new Error('expected the call to fail, it succeeded');
}
