import {
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
} from '@kubernetes/client-node';
import {
  type KubeEmulator,
  type KubeEmulatorOptions,
  kubeConfigFor,
  startKubeEmulator,
} from '../../src/sandbox/kubernetes/index.ts';

export { kubeConfigFor };

export interface KubeClients {
  kc: KubeConfig;
  apps: AppsV1Api;
  core: CoreV1Api;
  custom: CustomObjectsApi;
  coordination: CoordinationV1Api;
}

/** The real client-node API clients for the KubeConfig's current context. */
export function kubeClients(kc: KubeConfig): KubeClients {
  return {
    kc,
    apps: kc.makeApiClient(AppsV1Api),
    core: kc.makeApiClient(CoreV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
    coordination: kc.makeApiClient(CoordinationV1Api),
  };
}

/** Starts an emulator plus clients for one context `test`; stop it with `emulator.close()`. */
export async function startKube(
  options: KubeEmulatorOptions = {},
): Promise<KubeClients & { emulator: KubeEmulator }> {
  const emulator = await startKubeEmulator(options);
  return { emulator, ...kubeClients(kubeConfigFor(emulator, ['test'])) };
}

/** Polls `check` until it returns a value (not undefined), at most `timeoutMs`; throws with `what`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; attempt < 1_000; attempt++) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
