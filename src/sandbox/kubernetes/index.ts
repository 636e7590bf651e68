export type { KubeUser } from './authn.ts';
export type { Cluster } from './cluster.ts';
export { type KubeEmulator, type KubeEmulatorOptions, startKubeEmulator } from './emulator.ts';
export type { StatusBody } from './errors.ts';
export type { Fault, RecordedRequest } from './faults.ts';
export { type KubeConfigForOptions, kubeConfigFor } from './kube-config.ts';
export { isBadImage } from './pods.ts';
export type { KubeObject, SeedObject } from './types.ts';
