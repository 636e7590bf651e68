import { z } from 'zod';
import { Slug } from '../commands/schema.ts';
import { PlanHash } from '../policy/schema.ts';

/** Every state a run can be in; see transitions.ts for how they connect. */
export const RunState = z.enum([
  'planned',
  'awaiting_approval',
  'approved',
  'executing',
  'succeeded',
  'failed',
  'reverting',
  'reverted',
  'rejected',
  'expired',
  'cancelled',
  'interrupted',
]);
export type RunState = z.infer<typeof RunState>;

export const RunStepState = z.enum([
  'pending',
  'running',
  'succeeded',
  'failed',
  'reverted',
  'revert_failed',
]);
export type RunStepState = z.infer<typeof RunStepState>;

/** One action of a run's plan, with what it changed once it ran. */
export const RunStep = z.strictObject({
  index: z.int().min(0),
  action: z.string().min(1),
  params: z.record(z.string(), z.unknown()),
  reversible: z.boolean(),
  /** The human diff shown before anything happens: `image v1.4.2 → v1.4.1, 6 pods`. */
  plan: z.string().min(1),
  state: RunStepState,
  /**
   * The exact change, resolved when planned and stored before apply: `before` (the planned
   * live state, what revert restores) and `after` (the target). Bound by the plan hash.
   */
  intent: z.strictObject({ before: z.unknown(), after: z.unknown() }).optional(),
  /** What apply() captured so revert() can restore it. */
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  error: z.string().optional(),
  startedAt: z.date().optional(),
  finishedAt: z.date().optional(),
});
export type RunStep = z.infer<typeof RunStep>;

export const RunTarget = z.strictObject({ service: Slug, env: Slug });
export type RunTarget = z.infer<typeof RunTarget>;

/** A plan of action steps for one target, and where it stands. */
export const Run = z
  .strictObject({
    id: z.string().min(1),
    verb: Slug,
    target: RunTarget,
    requester: z.string().min(1),
    reason: z.string().optional(),
    state: RunState,
    /** planHash() of verb, target and steps' actions, params and intents: approvals bind to it. */
    planHash: PlanHash,
    steps: z.array(RunStep).min(1, 'a run has at least one step'),
    createdAt: z.date(),
    updatedAt: z.date(),
    /** When a run that has not started yet expires. */
    expiresAt: z.date(),
    threadTs: z.string().optional(),
    channel: z.string().optional(),
    /** The run this one undoes, when it was created to revert another. */
    revertOf: z.string().optional(),
    error: z.string().optional(),
  })
  .superRefine((run, ctx) => {
    run.steps.forEach((step, i) => {
      if (step.index !== i) {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i, 'index'],
          message: `must be ${i}: steps are numbered from 0 in order`,
        });
      }
    });
  });
export type Run = z.infer<typeof Run>;
