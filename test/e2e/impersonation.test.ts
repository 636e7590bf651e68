import { RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_ACTIONS } from '../../src/actions/builtin-actions.ts';
import { declaredAccess } from '../../src/actions/declared-access.ts';
import { BOT_READS } from '../../src/domain/rbac/bot-reads.ts';
import { buildRbac, type RbacAudience } from '../../src/domain/rbac/build-rbac.ts';
import { kubeConfigFor } from '../../src/sandbox/kubernetes/index.ts';
import type { EmulatedMessage } from '../../src/sandbox/slack/emulator-types.ts';
import { BOT_SA, createRbacObjects } from '../rbac/rbac-world.ts';
import {
  CHANNEL,
  IMAGES,
  LEAD,
  liveImage,
  ONCALL,
  ONCALL2,
  type RollbackWorld,
  STAGING,
  startRollbackWorld,
} from '../support/runs-e2e.ts';
import { shown } from '../support/runs-slack.ts';
import { visibleText } from '../support/slack.ts';

const [, PREVIOUS, CURRENT] = IMAGES;
const OLIVE = { user: 'olive@acme.test', groups: ['mc-staging-operators'] };
const OSCAR = { user: 'oscar@acme.test', groups: ['viewers'] };

describe('e2e: runs act on Kubernetes as the Slack user (impersonate: true)', () => {
  let world: RollbackWorld;
  const rbac = () =>
    kubeConfigFor(world.kube, [STAGING], { clusterPerContext: true }).makeApiClient(
      RbacAuthorizationV1Api,
    );

  /** What `mc rbac --env staging [--for people]` prints, created by the cluster admin. */
  async function apply(audience: RbacAudience) {
    const objects = buildRbac({
      catalog: world.bot.parts.config.catalog,
      env: 'staging',
      actions: declaredAccess(BUILTIN_ACTIONS),
      reads: BOT_READS,
      serviceAccount: { name: 'mc', namespace: 'mc' },
      audience,
    });
    await createRbacObjects(world.kube, objects);
    return objects.map((o) => `${o.object.kind} ${o.object.metadata.name}`);
  }

  beforeAll(async () => {
    world = await startRollbackWorld({
      kube: { rbac: true, users: [BOT_SA] },
      kubeToken: BOT_SA.token,
      editCatalog: (raw) => {
        const envs = raw.environments as Record<string, Record<string, unknown>>;
        if (envs.staging) envs.staging.impersonate = true;
        raw.kubernetesIdentities = { [ONCALL]: OLIVE, [ONCALL2]: OSCAR };
      },
    });
    expect(await apply('bot')).toEqual([
      'ClusterRole mc-staging-impersonate',
      'ClusterRoleBinding mc-staging-impersonate',
      'Role mc-staging',
      'RoleBinding mc-staging',
      'Role mc-staging',
      'RoleBinding mc-staging',
      'Role mc-staging',
      'RoleBinding mc-staging',
    ]);
    await apply('people');
  });
  afterAll(async () => {
    await world?.close();
  });

  const ephemeralsFor = (user: string) =>
    world.slack.ephemerals(CHANNEL).filter((e) => e.user === user);
  const newPlan = (before: number) =>
    world.until('a new plan message', () => world.plans().length > before && world.plans().at(-1));
  const current = (message: EmulatedMessage) =>
    world.plans().find((m) => m.ts === message.ts) as EmulatedMessage;
  const answer = async (responseId: string) => {
    const [first] = await world.until(
      'the answer to the command',
      () => world.answers(responseId).length > 0 && world.answers(responseId),
    );
    return visibleText(first as Record<string, unknown>);
  };
  const patchesOfCheckout = (from = 0) =>
    world.kube.requests
      .slice(from)
      .filter(
        (r) =>
          r.cluster === STAGING && r.method === 'PATCH' && r.path.endsWith('/deployments/checkout'),
      );
  const plannedEntry = async (runId: string) => {
    for await (const entry of world.bot.ledger.read())
      if (entry.subject === `run:${runId}` && entry.kind === 'run.planned') return entry.data;
    return undefined;
  };

  it('a permitted user: the rollback happens, every call of the run carries their identity, the ledger names them', async () => {
    const before = world.plans().length;
    const from = world.kube.requests.length;
    const sent = await world.command('rollback checkout --env staging', ONCALL);
    expect(sent.status).toBe(200);
    const plan = await newPlan(before);
    const runId = /run (r_[a-z2-7]+) ·/.exec(shown(plan))?.[1] ?? '';
    await world.click(plan, 'run.confirm', ONCALL);
    await world.until('the run to succeed', () => shown(current(plan)).includes('— succeeded'));
    await world.bot.engine.idle();
    expect(liveImage(world.kube, STAGING)).toBe(PREVIOUS);

    const patches = patchesOfCheckout(from);
    expect(patches.length).toBeGreaterThan(0);
    expect(patches.map((r) => r.user?.username)).toEqual(patches.map(() => OLIVE.user));
    expect(patches[0]?.user?.groups).toEqual([...OLIVE.groups, 'system:authenticated']);
    // Plan reads and the access review before the change were made as Olive too.
    const reviews = world.kube.requests
      .slice(from)
      .filter((r) => r.path.endsWith('selfsubjectaccessreviews'));
    expect(reviews.length).toBeGreaterThan(0);
    expect(new Set(reviews.map((r) => r.user?.username))).toEqual(new Set([OLIVE.user]));
    expect(await plannedEntry(runId)).toMatchObject({ kubeIdentity: OLIVE });

    // A revert acts as whoever asks for it: Oscar may not, Olive may.
    const done = current(plan);
    await world.click(done, 'run.revert', ONCALL2);
    const [refused] = await world.until(
      'the revert refusal',
      () => ephemeralsFor(ONCALL2).length > 0 && ephemeralsFor(ONCALL2),
    );
    expect(shown(refused!)).toContain('Kubernetes does not let oscar@acme.test (groups viewers)');
    expect(liveImage(world.kube, STAGING)).toBe(PREVIOUS);
    const from2 = world.kube.requests.length;
    await world.click(done, 'run.revert', ONCALL);
    await world.until('the revert to succeed', () =>
      world
        .thread(plan)
        .some(
          (m) => shown(m).includes(`Revert of run ${runId}`) && shown(m).includes('— succeeded'),
        ),
    );
    await world.bot.engine.idle();
    expect(liveImage(world.kube, STAGING)).toBe(CURRENT);
    const undo = patchesOfCheckout(from2);
    expect(undo.map((r) => r.user?.username)).toEqual(undo.map(() => OLIVE.user));
  });

  it('a user the cluster forbids: refused before anything is planned or changed, naming the missing permission', async () => {
    const image = liveImage(world.kube, STAGING);
    const patches = patchesOfCheckout().length;
    const before = world.plans().length;
    const sent = await world.command('rollback checkout --env staging', ONCALL2);
    const text = await answer(sent.responseId);
    expect(text).toContain(
      'Kubernetes does not let oscar@acme.test (groups viewers) get deployments.apps "checkout" in namespace checkout',
    );
    expect(text).toContain('patch deployments.apps "checkout" in namespace checkout');
    expect(text).toContain('Nothing was changed.');
    expect(text).toContain('`mc rbac --env staging --for people` prints the Roles');
    expect(world.plans()).toHaveLength(before);
    expect(liveImage(world.kube, STAGING)).toBe(image);
    expect(patchesOfCheckout()).toHaveLength(patches);
  });

  it('an unmapped user: refused with the catalog line that fixes it', async () => {
    const sent = await world.command('rollback checkout --env staging', LEAD);
    const text = await answer(sent.responseId);
    expect(text).toContain(
      `\`staging\` acts on Kubernetes as the person who asks (impersonate: true), and catalog.yml maps no Kubernetes user to <@${LEAD}>.`,
    );
    expect(text).toContain('Add one under kubernetesIdentities');
  });

  it('rights taken away while the plan waits: the run fails at Confirm, before any change', async () => {
    const image = liveImage(world.kube, STAGING);
    const before = world.plans().length;
    const sent = await world.command('rollback checkout --env staging', ONCALL);
    expect(sent.status).toBe(200);
    const plan = await newPlan(before);
    await rbac().deleteNamespacedRoleBinding({ name: 'mc-staging-people', namespace: 'checkout' });
    const patches = patchesOfCheckout().length;
    await world.click(plan, 'run.confirm', ONCALL);
    const failed = await world.until('the run to fail', () => {
      const m = current(plan);
      return shown(m).includes('— failed') && m;
    });
    await world.bot.engine.idle();
    expect(shown(failed)).toContain(
      'Kubernetes does not let olive@acme.test (groups mc-staging-operators) get deployments.apps "checkout" in namespace checkout',
    );
    expect(shown(failed)).toContain('Nothing was changed.');
    expect(liveImage(world.kube, STAGING)).toBe(image);
    expect(patchesOfCheckout()).toHaveLength(patches);
  });
});
