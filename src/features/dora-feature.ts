import { registerDoraMetrics } from '../dora/dora-metrics.ts';
import { attributionMs } from '../dora/scorecard.ts';
import { createDoraCommand } from '../slack/commands/dora.ts';
import type { Feature, FeatureFactory } from './types.ts';

/** `/mc dora` and the DORA metrics on /metrics. */
export const doraFeature: FeatureFactory = (parts): Feature => {
  const { db } = parts.store;
  registerDoraMetrics(parts.metrics.registry, {
    db,
    clock: parts.clock,
    attributionWindowMs: attributionMs(parts.config.catalog.dora),
  });
  const dora = createDoraCommand({ db, clock: parts.clock });
  return { name: 'dora', commandHandlers: { dora } };
};
