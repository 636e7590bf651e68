import type { DrillPlaybook } from '../domain/playbooks/drill-schema.ts';
import { createDrillRunner } from '../drills/drill-runner.ts';
import { createDrillService } from '../drills/drill-service.ts';
import { createDrillStore } from '../drills/drill-store.ts';
import { createDrillActions } from '../slack/drills/drill-actions.ts';
import { createDrillCommand } from '../slack/drills/drill-command.ts';
import { createDrillPoster } from '../slack/drills/drill-poster.ts';
import type { BotParts, Feature } from './types.ts';

/** The parts the drills feature is built from. */
export type DrillsNeeds = Pick<
  BotParts,
  | 'clock'
  | 'config'
  | 'engine'
  | 'evidence'
  | 'kube'
  | 'leases'
  | 'ledger'
  | 'log'
  | 'pagerduty'
  | 'prometheus'
  | 'settings'
  | 'slackClient'
  | 'store'
>;

const RECOVER_EVERY_MS = 5_000;

/**
 * `/mc drill` and `/mc drill report`, the Abort and Retry restore buttons, and on start the
 * drills a stopped process left: those past their restore deadline are restored at once.
 */
export function drillsFeature(parts: DrillsNeeds): Feature {
  const { catalog, playbooks } = parts.config;
  const scenarios = new Map(
    playbooks.filter((p): p is DrillPlaybook => p.kind === 'drill').map((p) => [p.id, p]),
  );
  const store = createDrillStore(parts.store.db);
  const poster = createDrillPoster({ client: parts.slackClient, log: parts.log });
  const runner = createDrillRunner(
    {
      db: parts.store.db,
      store,
      engine: parts.engine,
      kube: parts.kube,
      catalog,
      prometheus: parts.prometheus,
      pagerduty: parts.pagerduty,
      ledger: parts.ledger,
      evidence: parts.evidence,
      announcer: poster,
      clock: parts.clock,
      log: parts.log.child({ feature: 'drills' }),
    },
    parts.leases,
  );
  const drills = createDrillService({
    scenarios,
    catalog,
    engine: parts.engine,
    store,
    runner,
    db: parts.store.db,
    clock: parts.clock,
  });
  const command = createDrillCommand({ drills, poster, clock: parts.clock });
  return {
    name: 'drills',
    commandHandlers: { drill: command },
    actionHandlers: createDrillActions({ drills }),
    async start() {
      // One bot looks for drills nobody drives; on a shared database, again every few
      // seconds, so a dead bot's drills move to a live one.
      parts.leases.job('drills.recover', {
        ...(parts.settings.env.DATABASE_URL ? { everyMs: RECOVER_EVERY_MS } : {}),
        run: async () => {
          const recovered = await runner.recover();
          if (recovered.length > 0) {
            parts.log.warn(
              { drills: recovered.map((d) => d.id) },
              'drills left by a stopped process picked up',
            );
          }
        },
      });
    },
    async stop() {
      await runner.stop();
      await poster.idle();
      poster.close();
    },
  };
}
