import { createDeployLog, type DeployLog } from '../../src/deploys/deploy-log.ts';
import { createLedger } from '../../src/evidence/ledger/create-ledger.ts';
import {
  catalog,
  PROD,
  prodRef,
  release,
  STAGING,
  seedDeployment,
  seedRollout,
  settled,
  stagingRef,
  startWorld,
  type World,
} from '../actions/world.ts';
import { openPgliteStore, type TestStore } from '../evidence/support/test-store.ts';

export { catalog, PROD, STAGING };

const HOUR = 3_600_000;
/** When the emulated cluster's clock starts: revision 1 of checkout/staging is created then. */
export const T0 = new Date('2026-11-20T09:00:00Z');
/** When revision 2 (1.4.1) and revision 3 (1.4.2) were released, on the emulated clock. */
export const REV2_AT = new Date(T0.getTime() + 48 * HOUR);
export const REV3_AT = new Date(T0.getTime() + 49 * HOUR);

export interface DeployWorld {
  world: World;
  store: TestStore;
  deployLog: DeployLog;
  close(): Promise<void>;
}

/**
 * The Kubernetes emulator with checkout/staging a Deployment at revision 3 (1.4.0 → 1.4.1 →
 * 1.4.2, two days and one hour apart) and checkout/prod a healthy Rollout; a PGlite deploy
 * log knowing who made revisions 2 and 3.
 */
export async function startDeployWorld(): Promise<DeployWorld> {
  const world = await startWorld({ startTime: T0 });
  const store = await openPgliteStore();
  try {
    seedDeployment(world, 'shop/checkout:1.4.0');
    await settled(world, stagingRef);
    world.emulator.advanceTime(REV2_AT.getTime() - T0.getTime());
    await release(world, stagingRef, 'shop/checkout:1.4.1');
    world.emulator.advanceTime(REV3_AT.getTime() - REV2_AT.getTime());
    await release(world, stagingRef, 'shop/checkout:1.4.2');
    seedRollout(world, 'shop/checkout:2.0.0');
    await settled(world, prodRef);
    const deployLog = createDeployLog({ db: store.db, ledger: createLedger(store.db) });
    const deploy = { service: 'checkout', env: 'staging', kind: 'deploy' as const };
    await deployLog.recordDeploy({
      ...deploy,
      fromImage: 'shop/checkout:1.4.0',
      toImage: 'shop/checkout:1.4.1',
      toRevision: 2,
      by: 'U01BOBBY02',
      outcome: 'succeeded',
      at: REV2_AT,
    });
    await deployLog.recordDeploy({
      ...deploy,
      fromImage: 'shop/checkout:1.4.1',
      toImage: 'shop/checkout:1.4.2',
      toRevision: 3,
      by: 'U01ALICE01',
      runId: 'r_abcdefghijkl',
      evidenceUrl: 'https://mc.example/evidence/e_3',
      outcome: 'succeeded',
      at: REV3_AT,
    });
    return {
      world,
      store,
      deployLog,
      close: async () => {
        await store.close();
        await world.close();
      },
    };
  } catch (error) {
    await store.close();
    await world.close();
    throw error;
  }
}
