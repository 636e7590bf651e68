import { z } from 'zod';
import { checkSchedule } from './scorecard-schedule.ts';

const Name = z.string().min(1, 'must not be empty');
const Duration = z
  .string()
  .regex(/^[0-9]+(m|h|d|w)$/, 'must be a duration like 30m, 24h, 7d or 2w');
const Ratio = z.number().min(0).max(1);

/**
 * `catalog.yml` `dora:`: the attribution window, the baselines that relative targets are
 * measured against, the targets, and the weekly scorecard.
 */
export const DoraSettings = z.strictObject({
  attributionWindow: Duration.default('24h'),
  /** Medians measured before the programme began, for the "down N %" targets. */
  baseline: z
    .strictObject({ leadTime: Duration.optional(), timeToRestore: Duration.optional() })
    .default({}),
  targets: z
    .strictObject({
      /** Per environment: at least this many deploys per day or per week. */
      deploymentFrequency: z
        .record(
          Name,
          z.union([
            z.strictObject({ perDay: z.number().positive() }),
            z.strictObject({ perWeek: z.number().positive() }),
          ]),
        )
        .optional(),
      /** The median lead time at most `max`, or `reduceBy` below the baseline. */
      leadTime: z
        .union([z.strictObject({ max: Duration }), z.strictObject({ reduceBy: Ratio })])
        .optional(),
      changeFailureRate: z.strictObject({ max: Ratio }).optional(),
      timeToRestore: z
        .union([z.strictObject({ max: Duration }), z.strictObject({ reduceBy: Ratio })])
        .optional(),
    })
    .default({}),
  scorecard: z
    .strictObject({
      channel: z.string().regex(/^[CG][A-Z0-9]{6,}$/, 'must be a Slack channel id like C01RELEASE'),
      /** Five-field cron, in UTC: `0 9 * * 1` is Mondays at 09:00. */
      schedule: z.string().superRefine((text, ctx) => {
        try {
          checkSchedule(text);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message });
        }
      }),
      /** The window each scorecard covers. Default 7d. */
      period: Duration.default('7d'),
    })
    .optional(),
});
export type DoraSettings = z.infer<typeof DoraSettings>;
