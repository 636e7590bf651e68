import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_ACTIONS } from '../../src/actions/builtin-actions.ts';
import { declaredAccess } from '../../src/actions/declared-access.ts';
import { BOT_READS } from '../../src/domain/rbac/bot-reads.ts';
import { buildRbac } from '../../src/domain/rbac/build-rbac.ts';
import type { EmulatedMessage } from '../../src/sandbox/slack/emulator-types.ts';
import { BOT_SA, createRbacObjects } from '../rbac/rbac-world.ts';
import {
  GATEWAY,
  liveImage,
  ONCALL,
  ONCALL2,
  type RollbackWorld,
  STAGING,
  startRollbackWorld,
} from '../support/runs-e2e.ts';
import { seedReleases } from '../support/runs-e2e-kube.ts';
import { shown } from '../support/runs-slack.ts';

const GOOD = 'envoyproxy/envoy:1.28.0';
const BAD = 'envoyproxy/envoy:1.29.0-bad';
const LATEST = 'envoyproxy/envoy:1.29.1';
const OLIVE = { user: 'olive@acme.test', groups: ['mc-staging-operators'] };
const OSCAR = { user: 'oscar@acme.test', groups: ['viewers'] };

describe('e2e: a resumed run keeps the identity it was requested with', () => {
  let world: RollbackWorld;
  beforeAll(async () => {
    world = await startRollbackWorld({
      seed: (kube) => seedReleases(kube, STAGING, GATEWAY, [GOOD, BAD, LATEST]),
      // Process A: its verify waits for a rollout that never gets ready; stop() does not wait.
      bot: { ownerId: 'bot-a', runs: { verifyTimeoutMs: 3_000 }, stopGraceMs: 0 },
      kube: { rbac: true, users: [BOT_SA] },
      kubeToken: BOT_SA.token,
      editCatalog: (raw) => {
        const envs = raw.environments as Record<string, Record<string, unknown>>;
        if (envs.staging) envs.staging.impersonate = true;
        raw.kubernetesIdentities = { [ONCALL]: OLIVE, [ONCALL2]: OSCAR };
      },
    });
    const rbac = (audience: 'bot' | 'people') =>
      buildRbac({
        catalog: world.bot.parts.config.catalog,
        env: 'staging',
        actions: declaredAccess(BUILTIN_ACTIONS),
        reads: BOT_READS,
        serviceAccount: { name: 'mc', namespace: 'mc' },
        audience,
      });
    await createRbacObjects(world.kube, [...rbac('bot'), ...rbac('people')]);
  });
  afterAll(async () => {
    await world?.close();
  });

  it('Olive asks, the process dies mid-verify, Oscar (no rights of his own) clicks Resume: it still acts as Olive', async () => {
    const start = world.kube.requests.length;
    await world.command('rollback gateway --env staging', ONCALL);
    const plan = await world.until('the plan', () => world.plans()[0]);
    await world.click(plan, 'run.confirm', ONCALL);
    const current = (): EmulatedMessage => world.plans().find((m) => m.ts === plan.ts) ?? plan;
    await world.until(
      'the bad image to be live',
      () => liveImage(world.kube, STAGING, GATEWAY) === BAD,
    );
    const undo = world.kube.requests
      .slice(start)
      .find((r) => r.method === 'PATCH' && r.path.endsWith('/deployments/gateway'));
    expect(undo?.user?.username).toBe(OLIVE.user);

    await world.restart({ ownerId: 'bot-b', runs: { verifyTimeoutMs: 1_000 } });
    const interrupted = await world.until('the interrupted message', () => {
      const m = current();
      return shown(m).includes('interrupted while executing') && m;
    });
    const from = world.kube.requests.length;
    await world.click(interrupted, 'run.resume', ONCALL2);
    // Verification fails on the bad image; the run reverts itself, still as Olive.
    await world.until('the run to end', () => /— (reverted|failed)/.test(shown(current())));
    await world.bot.engine.idle();
    expect(liveImage(world.kube, STAGING, GATEWAY)).toBe(LATEST);
    const after = world.kube.requests
      .slice(from)
      .filter((r) => r.path.includes('/namespaces/edge/'));
    expect(after.some((r) => r.method === 'PATCH')).toBe(true);
    expect(after.filter((r) => r.status === 403)).toEqual([]);
    const users = new Set(after.map((r) => r.user?.username));
    expect(users.has(OSCAR.user)).toBe(false);
    expect(after.filter((r) => r.method === 'PATCH').map((r) => r.user?.username)).toEqual(
      after.filter((r) => r.method === 'PATCH').map(() => OLIVE.user),
    );
  });
});
