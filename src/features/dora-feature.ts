import os from 'node:os';
import { registerDoraMetrics } from '../dora/dora-metrics.ts';
import { runDueScorecard } from '../dora/run-scorecard.ts';
import { attributionMs } from '../dora/scorecard.ts';
import { scorecardRoutes } from '../dora/scorecard-routes.ts';
import { createDoraCommand, environmentOrder } from '../slack/commands/dora.ts';
import { slackScorecardPublisher } from '../slack/dora/post-scorecard.ts';
import type { Feature, FeatureFactory } from './types.ts';

const TICK_MS = 60_000;

/** `/mc dora`, the DORA metrics on /metrics, and the weekly scorecard with its evidence pages. */
export const doraFeature: FeatureFactory = (parts): Feature => {
  const { db } = parts.store;
  const settings = parts.config.catalog.dora;
  registerDoraMetrics(parts.metrics.define, {
    db,
    clock: parts.clock,
    attributionWindowMs: attributionMs(settings),
  });
  const environments = environmentOrder(parts.config.catalog);
  let running: Promise<unknown> | undefined;
  const tick = () => {
    running = runDueScorecard({
      db,
      settings,
      environments,
      production: environments[0] ?? 'prod',
      clock: parts.clock,
      owner: `${os.hostname()}:${process.pid}`,
      publicUrl: parts.settings.publicUrl,
      publish: slackScorecardPublisher(parts.slackClient),
    }).catch((error: unknown) => parts.log.error({ err: error }, 'weekly DORA scorecard failed'));
    return running;
  };
  return {
    name: 'dora',
    commandHandlers: { dora: createDoraCommand({ db, clock: parts.clock }) },
    routes: scorecardRoutes({ db, log: parts.log }),
    async start() {
      if (!settings?.scorecard) return;
      // One bot ticks (the period's claim row would also stop a second one from posting).
      parts.leases.job('dora.scorecard', { everyMs: TICK_MS, run: tick });
    },
    async stop() {
      await running;
    },
  };
};
