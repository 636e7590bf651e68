import { setTimeout as delay } from 'node:timers/promises';
import { RbacAuthorizationV1Api } from '@kubernetes/client-node';
import type { ActionContext } from '../../src/actions/types.ts';
import { createKubeClients } from '../../src/adapters/kubernetes/create-kube-clients.ts';
import type { Catalog } from '../../src/domain/catalog/schema.ts';
import type { BotRead } from '../../src/domain/rbac/bot-reads.ts';
import { buildRbac, type RbacObject } from '../../src/domain/rbac/build-rbac.ts';
import type { DeclaredAccess } from '../../src/domain/rbac/types.ts';
import { type KubeEmulator, kubeConfigFor } from '../../src/sandbox/kubernetes/index.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { catalog, PROD, STAGING, startWorld, type World } from '../actions/world.ts';

/** The bot's ServiceAccount as the emulator knows it: a token and the user it stands for. */
export const BOT_SA = {
  token: 'mc-sa-token',
  username: 'system:serviceaccount:mc:mc',
  groups: ['system:serviceaccounts', 'system:serviceaccounts:mc'],
};

export interface RbacWorld extends World {
  /** The bot: the ServiceAccount's token, so only what its bindings grant is allowed. */
  bot: ActionContext;
  /** Creates generated objects as the cluster admin, each in its own cluster. */
  grant(objects: RbacObject[]): Promise<void>;
  /** Requests the emulator refused with 403, as `METHOD path`. */
  forbidden(): string[];
}

/** Creates generated objects as the cluster admin, each in its own cluster, as kubectl would. */
export async function createRbacObjects(
  emulator: KubeEmulator,
  objects: RbacObject[],
): Promise<void> {
  for (const { context, object } of objects) {
    const kc = kubeConfigFor(emulator, [context], { clusterPerContext: true });
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    const namespace = String(object.metadata.namespace ?? '');
    const body = object as never;
    if (object.kind === 'Role') await rbac.createNamespacedRole({ namespace, body });
    else if (object.kind === 'RoleBinding')
      await rbac.createNamespacedRoleBinding({ namespace, body });
    else if (object.kind === 'ClusterRole') await rbac.createClusterRole({ body });
    else await rbac.createClusterRoleBinding({ body });
  }
}

/** An emulator enforcing RBAC: `ctx` is the cluster admin (seeding, releases), `bot` the SA. */
export async function startRbacWorld(extraUsers: (typeof BOT_SA)[] = []): Promise<RbacWorld> {
  const world = await startWorld({ rbac: true, users: [BOT_SA, ...extraUsers] });
  const kube = createKubeClients(
    kubeConfigFor(world.emulator, [STAGING, PROD], {
      clusterPerContext: true,
      token: BOT_SA.token,
    }),
  );
  const bot: ActionContext = {
    catalog,
    kube,
    log: createLogger({ level: 'silent' }),
    now: () => new Date(),
    sleep: (ms, signal) => delay(ms, undefined, { signal }),
  };
  const grant = (objects: RbacObject[]) => createRbacObjects(world.emulator, objects);
  const forbidden = () =>
    world.emulator.requests.filter((r) => r.status === 403).map((r) => `${r.method} ${r.path}`);
  return { ...world, bot, grant, forbidden };
}

/** The bot's Roles for `env` when it may do exactly `actions` (and `reads`), nothing else. */
export function botRoles(
  env: string,
  actions: DeclaredAccess[],
  reads: BotRead[] = [],
  using: Catalog = catalog,
): RbacObject[] {
  return buildRbac({
    catalog: using,
    env,
    actions,
    reads,
    serviceAccount: { name: 'mc', namespace: 'mc' },
    audience: 'bot',
  });
}
