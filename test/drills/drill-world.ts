import type { DrillResult } from '../../src/domain/drills/drill-result.ts';
import type { KubeEmulator } from '../../src/sandbox/kubernetes/index.ts';
import type { EmulatedMessage } from '../../src/sandbox/slack/emulator-types.ts';
import {
  buttonIds,
  CHECKOUT,
  IMAGES,
  PROD,
  type RollbackWorld,
  STAGING,
  startRollbackWorld,
} from '../support/runs-e2e.ts';
import { seedReleases } from '../support/runs-e2e-kube.ts';
import { shown } from '../support/runs-slack.ts';

export const PAYMENTS = { name: 'payments', namespace: 'payments', container: 'app' };

/**
 * The clusters a drill test needs: checkout with three releases in staging and prod,
 * payments (checkout's first dependency) in staging, and checkout's kill switch ConfigMap.
 */
export async function seedDrillCluster(kube: KubeEmulator): Promise<void> {
  await seedReleases(kube, STAGING, CHECKOUT, IMAGES);
  await seedReleases(kube, PROD, CHECKOUT, IMAGES);
  await seedReleases(kube, STAGING, PAYMENTS, ['shop/payments:2.0.0']);
  kube.seed(
    [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'checkout-flags', namespace: 'checkout' },
        data: { 'recommendations-enabled': 'true' },
      },
    ],
    STAGING,
  );
}

/** The drill's message text ("Drill <scenario> on <service>/<env>: …"), not a run card's. */
export const DRILL_TEXT = /^Drill \S+ on [^\s/]+\/\S+:/;

/**
 * The drill's own message, as it is now. Not the fault run's card ("Drill payments in
 * staging: …"), which the engine may post before or after it.
 */
export function drillMessage(world: RollbackWorld): EmulatedMessage | undefined {
  return world.plans().findLast((m) => DRILL_TEXT.test(m.text));
}

/** The fault (or restore) run's card: a top-level message with the run buttons. */
export function runCard(world: RollbackWorld, runId: string): EmulatedMessage | undefined {
  return world.slack
    .messages('C0OPS')
    .find((m) => shown(m).includes(runId) && buttonIds(m).length > 0);
}

/** The drill's message once its text matches. */
export function drillWhen(
  world: RollbackWorld,
  what: string,
  test: (text: string) => boolean,
  timeoutMs = 30_000,
) {
  return world.until(
    what,
    () => {
      const m = drillMessage(world);
      return m && test(shown(m)) ? m : undefined;
    },
    timeoutMs,
  );
}

/** Every `drill.finished` entry in the ledger, oldest first. */
export async function finishedDrills(world: RollbackWorld): Promise<DrillResult[]> {
  const results: DrillResult[] = [];
  for await (const entry of world.bot.ledger.read()) {
    if (entry.kind === 'drill.finished') results.push(entry.data as unknown as DrillResult);
  }
  return results;
}

/** Ready replicas of a Deployment as the emulator holds it. */
export function readyReplicas(
  world: RollbackWorld,
  context: string,
  name: string,
  namespace: string,
): number {
  const d = world.kube.get('Deployment', namespace, name, context);
  return ((d?.status ?? {}) as { readyReplicas?: number }).readyReplicas ?? 0;
}

export { startRollbackWorld };
