import { describe, expect, it } from 'vitest';
import { resolveDeployImage } from '../../src/deploys/resolve-deploy-image.ts';
import { revisionHistory } from '../../src/deploys/revision-history.ts';
import { rollbackSteps } from '../../src/deploys/rollback-steps.ts';
import { readPods } from '../../src/deploys/status-views.ts';
import { BOT_READS, type BotRead } from '../../src/domain/rbac/bot-reads.ts';
import type { KubeRule, KubeWorkloadKind } from '../../src/domain/rbac/types.ts';
import { sampleReplicas } from '../../src/drills/samplers.ts';
import {
  prodRef,
  release,
  seedDeployment,
  seedRollout,
  settled,
  stagingRef,
} from '../actions/world.ts';
import { botRoles, startRbacWorld } from './rbac-world.ts';

const KINDS: KubeWorkloadKind[] = ['Deployment', 'Rollout'];
const envOf = (kind: KubeWorkloadKind) => (kind === 'Deployment' ? 'staging' : 'prod');

/** Every read the bot makes on its own, as the capabilities make them; throws on a failure. */
async function everyRead(world: Awaited<ReturnType<typeof startRbacWorld>>, env: string) {
  const { catalog, kube } = world.bot;
  const target = { service: 'checkout', env };
  const [pods] = await readPods({ catalog, kube, service: 'checkout', envs: [env] });
  if (!pods?.ok) throw new Error(`status pods: ${pods && !pods.ok ? pods.problem : 'none'}`);
  await resolveDeployImage({ catalog, kube, ...target, version: '1.4.2' });
  await revisionHistory({
    catalog,
    kube,
    deployLog: { recentDeploys: async () => [] },
    ...target,
    now: new Date(),
  });
  await rollbackSteps(world.bot, target);
  await sampleReplicas({ catalog, kube }, target);
}

async function readAs(kind: KubeWorkloadKind, reads: BotRead[]) {
  const world = await startRbacWorld();
  try {
    if (kind === 'Deployment') {
      seedDeployment(world, 'shop/checkout:1.4.0');
      await settled(world, stagingRef);
      await release(world, stagingRef, 'shop/checkout:1.4.1');
    } else {
      seedRollout(world, 'shop/checkout:1.4.0', 4, []);
      await settled(world, prodRef);
    }
    await world.grant(botRoles(envOf(kind), [], reads));
    const outcome = await everyRead(world, envOf(kind)).then(
      () => undefined,
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    return { outcome, forbidden: world.forbidden() };
  } finally {
    await world.close();
  }
}

/** The union of the reads of one kind, as one rule per resource. */
function merged(kind: KubeWorkloadKind): KubeRule[] {
  const byResource = new Map<string, KubeRule>();
  for (const rule of BOT_READS.flatMap((r) => r.kube[kind] ?? [])) {
    const known = byResource.get(rule.resource);
    const verbs = [...new Set([...(known?.verbs ?? []), ...rule.verbs])];
    byResource.set(rule.resource, { ...rule, verbs });
  }
  return [...byResource.values()];
}

const removals = KINDS.flatMap((kind) =>
  merged(kind).flatMap((rule) => rule.verbs.map((verb) => [kind, verb, rule.resource] as const)),
);

describe('rbac: the bot reads it declares', () => {
  it.each(KINDS)(
    'are enough for status, deploy, rollback, history and drill reads on a %s',
    async (kind) => {
      expect(await readAs(kind, [...BOT_READS])).toEqual({ outcome: undefined, forbidden: [] });
    },
  );

  it.each(removals)(
    'are all needed: on a %s, without %s %s a read fails',
    async (kind, verb, resource) => {
      const rules = merged(kind)
        .map((r) =>
          r.resource === resource ? { ...r, verbs: r.verbs.filter((v) => v !== verb) } : r,
        )
        .filter((r) => r.verbs.length > 0);
      const fewer: BotRead = { capability: 'test', why: 'one verb less', kube: { [kind]: rules } };
      const { outcome, forbidden } = await readAs(kind, [fewer]);
      expect(outcome).toBeDefined();
      expect(forbidden.length).toBeGreaterThan(0);
    },
  );
});
