import { createDoraCommand } from '../slack/commands/dora.ts';
import type { Feature, FeatureFactory } from './types.ts';

/** `/mc dora`: the delivery scorecard. */
export const doraFeature: FeatureFactory = (parts): Feature => {
  const dora = createDoraCommand({ db: parts.store.db, clock: parts.clock });
  return { name: 'dora', commandHandlers: { dora } };
};
