import type { setHeaderOptions } from '@kubernetes/client-node';

/**
 * client-node's setHeaderOptions, loaded on first use: the action registry (and so `mc validate`)
 * imports the Kubernetes adapters, and client-node takes a second to load.
 */
export async function headerOptions(
  name: string,
  value: string,
): Promise<ReturnType<typeof setHeaderOptions>> {
  const clientNode = await import('@kubernetes/client-node');
  return clientNode.setHeaderOptions(name, value);
}
