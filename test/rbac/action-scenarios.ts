import { setImage } from '../../src/actions/kubernetes/set-image.ts';
import type { Action, ActionContext } from '../../src/actions/types.ts';
import type { KubeWorkloadKind } from '../../src/domain/rbac/types.ts';
import {
  fast,
  PROD,
  prodRef,
  release,
  STAGING,
  seedDeployment,
  seedRollout,
  settled,
  stagingRef,
  type World,
} from '../actions/world.ts';

/**
 * One action's whole life on one kind of workload: what the admin sets up, then every step the
 * run engine takes (plan, reconcile, apply, verify, and revert with a second verify when the
 * action is reversible), failing on any error or failed verification.
 */
export interface Scenario {
  kind: KubeWorkloadKind;
  params: Record<string, unknown>;
  setup(admin: World): Promise<void>;
}

const staging = { service: 'checkout', env: 'staging' };
const prod = { service: 'checkout', env: 'prod' };

async function deployment(admin: World): Promise<void> {
  seedDeployment(admin, 'shop/checkout:1.4.0');
  await settled(admin, stagingRef);
}

async function rollout(admin: World): Promise<void> {
  seedRollout(admin, 'shop/checkout:1.4.1', 4);
  await settled(admin, prodRef);
}

/** Three releases, so there is a revision to go back to. */
async function history(admin: World, kind: KubeWorkloadKind): Promise<void> {
  const ref = kind === 'Deployment' ? stagingRef : prodRef;
  if (kind === 'Deployment') seedDeployment(admin, 'shop/checkout:1.4.0');
  else seedRollout(admin, 'shop/checkout:1.4.0', 4, []);
  await settled(admin, ref);
  await release(admin, ref, 'shop/checkout:1.4.1');
  await release(admin, ref, 'shop/checkout:1.4.2');
}

/** checkout/prod with a 1.4.2 canary waiting at its pause step. */
async function canaryAtPause(admin: World): Promise<void> {
  await rollout(admin);
  const p = { ...prod, image: 'shop/checkout:1.4.2' };
  const applied = await setImage.apply(admin.ctx, p);
  if (!(await setImage.verify(admin.ctx, p, applied, fast)).ok) throw new Error('no canary');
}

/** `kubectl argo rollouts pause`: spec.paused on the main resource. */
async function pauseByHand(admin: World): Promise<void> {
  await admin.ctx.kube.forContext(PROD).custom.patchNamespacedCustomObject({
    group: 'argoproj.io',
    version: 'v1alpha1',
    plural: 'rollouts',
    namespace: 'checkout',
    name: 'checkout',
    body: [{ op: 'add', path: '/spec/paused', value: true }],
  });
}

async function flags(admin: World, context: string): Promise<void> {
  const cm = { apiVersion: 'v1', kind: 'ConfigMap' };
  const metadata = { name: 'checkout-flags', namespace: 'checkout' };
  admin.emulator.seed([{ ...cm, metadata, data: { new_checkout: 'false' } }], context);
  if (context === STAGING) await deployment(admin);
  else await rollout(admin);
}

/** Every built-in action with Kubernetes access, on every kind of workload it declares. */
export const SCENARIOS: Record<string, Scenario[]> = {
  'k8s.set-image': [
    { kind: 'Deployment', params: { ...staging, image: 'shop/checkout:1.4.1' }, setup: deployment },
    { kind: 'Rollout', params: { ...prod, image: 'shop/checkout:1.4.2' }, setup: rollout },
  ],
  'k8s.rollout-undo': [
    { kind: 'Deployment', params: staging, setup: (a) => history(a, 'Deployment') },
    { kind: 'Rollout', params: prod, setup: (a) => history(a, 'Rollout') },
  ],
  'k8s.scale': [
    { kind: 'Deployment', params: { ...staging, replicas: '+2' }, setup: deployment },
    { kind: 'Rollout', params: { ...prod, replicas: 6 }, setup: rollout },
  ],
  'k8s.restart': [{ kind: 'Deployment', params: staging, setup: deployment }],
  'k8s.set-configmap-key': [
    {
      kind: 'Deployment',
      params: { ...staging, configMap: 'checkout-flags', key: 'new_checkout', value: 'true' },
      setup: (a) => flags(a, STAGING),
    },
    {
      kind: 'Rollout',
      params: { ...prod, configMap: 'checkout-flags', key: 'new_checkout', value: 'true' },
      setup: (a) => flags(a, PROD),
    },
  ],
  'k8s.delete-pods': [
    { kind: 'Deployment', params: { ...staging, count: 1 }, setup: deployment },
    { kind: 'Rollout', params: { ...prod, count: 1 }, setup: rollout },
  ],
  'argo.promote': [
    { kind: 'Rollout', params: { ...prod, full: false }, setup: canaryAtPause },
    // Someone also paused it by hand: promote lifts spec.paused on the main resource too.
    {
      kind: 'Rollout',
      params: { ...prod, full: true },
      setup: async (admin) => {
        await canaryAtPause(admin);
        await pauseByHand(admin);
      },
    },
  ],
  'argo.abort': [{ kind: 'Rollout', params: prod, setup: canaryAtPause }],
  'argo.pause': [{ kind: 'Rollout', params: prod, setup: rollout }],
  'argo.resume': [
    {
      kind: 'Rollout',
      params: prod,
      setup: async (admin) => {
        seedRollout(admin, 'shop/checkout:1.4.1', 4);
        await settled(admin, prodRef);
        await pauseByHand(admin);
      },
    },
  ],
};

/** Runs every step of `action` as `ctx`; throws on the first error or failed verification. */
export async function lifeOf(action: Action, ctx: ActionContext, raw: unknown): Promise<void> {
  const params = action.params.parse(raw);
  const plan = await action.plan(ctx, params);
  if (plan.noop) throw new Error(`${action.name}: the scenario plans a no-op: ${plan.summary}`);
  const before = await action.reconcile(ctx, params, plan.intent);
  if (before.state !== 'not_applied') throw new Error(`${action.name}: ${before.detail}`);
  const applied = await action.apply(ctx, params, plan.intent);
  const verified = await action.verify(ctx, params, applied, fast);
  if (!verified.ok) throw new Error(`${action.name} verify: ${verified.detail}`);
  const after = await action.reconcile(ctx, params, plan.intent);
  if (after.state !== 'applied') throw new Error(`${action.name}: ${after.detail}`);
  if (!action.reversible) return;
  await action.revert(ctx, params, applied.before);
  const back = await action.reconcile(ctx, params, plan.intent);
  if (back.state === 'applied') throw new Error(`${action.name} revert left it applied`);
}
