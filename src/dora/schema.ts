import { z } from 'zod';
import {
  CHANGE_WHATS,
  type ChangeWhat,
  DEPLOY_KINDS,
  DEPLOY_OUTCOMES,
  type DeployKind,
  type DeployOutcome,
} from '../domain/deploys/deploy-record.ts';
import { checkSchedule } from './scorecard-schedule.ts';

const Time = z.iso.datetime({ offset: true, message: 'must be an ISO-8601 time with an offset' });
const Name = z.string().min(1, 'must not be empty');

/** One change as the change log holds it (or as a CI exports it for `mc dora --input`). */
export const DoraChange = z
  .strictObject({
    /** A reference incidents can name in `changeRef` (the change log's `d_…` id). */
    id: Name.optional(),
    service: Name,
    env: Name,
    kind: z.enum(DEPLOY_KINDS as [DeployKind, ...DeployKind[]]),
    /** The part of the workload that changed; only `image` changes are code. Default image. */
    what: z.enum(CHANGE_WHATS as [ChangeWhat, ...ChangeWhat[]]).optional(),
    from: z.string().optional(),
    to: Name,
    at: Time,
    by: Name,
    /** When the commit that `to` was built from was made. */
    commitAt: Time.optional(),
    commit: z.string().optional(),
    outcome: z.enum(DEPLOY_OUTCOMES as [DeployOutcome, ...DeployOutcome[]]),
    /** A link to the change's evidence, shown on the scorecard's evidence page. */
    url: z.string().optional(),
  })
  .refine((c) => c.commitAt === undefined || Date.parse(c.commitAt) <= Date.parse(c.at), {
    message: 'commitAt is after at: a change cannot run before its commit was made',
    path: ['commitAt'],
  });
export type DoraChange = z.infer<typeof DoraChange>;

/** One incident: from its first signal to its resolution, and the change triage blamed. */
export const DoraIncident = z
  .strictObject({
    id: Name.optional(),
    service: Name,
    env: Name,
    openedAt: Time,
    resolvedAt: Time.optional(),
    /** A change's `id`, or the version (`to`) of a deploy of the same service and env. */
    changeRef: Name.optional(),
    url: z.string().optional(),
  })
  .refine((i) => i.resolvedAt === undefined || Date.parse(i.resolvedAt) >= Date.parse(i.openedAt), {
    message: 'resolvedAt is before openedAt',
    path: ['resolvedAt'],
  });
export type DoraIncident = z.infer<typeof DoraIncident>;

/** The input of `mc dora --input FILE`, and what the live source reads from the store. */
export const DoraInput = z.strictObject({
  changes: z.array(DoraChange).default([]),
  incidents: z.array(DoraIncident).default([]),
});
export type DoraInput = z.infer<typeof DoraInput>;

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
