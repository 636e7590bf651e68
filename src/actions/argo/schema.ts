import { z } from 'zod';
import { WorkloadRefJson } from '../kubernetes/schema.ts';
import { Target } from '../schema.ts';

export const PromoteParams = Target.extend({
  full: z
    .boolean()
    .default(false)
    .describe('Skip every remaining step and analysis (promote --full)'),
});
export type PromoteParams = z.infer<typeof PromoteParams>;

export const RolloutParams = Target;
export type RolloutParams = z.infer<typeof RolloutParams>;

/** What pause and resume change: spec.paused, saved with where it lives. */
export const PausedBefore = z.object({ workload: WorkloadRefJson, paused: z.boolean() });
