import { z } from 'zod';
import {
  CHANGE_WHATS,
  type ChangeWhat,
  DEPLOY_KINDS,
  DEPLOY_OUTCOMES,
  type DeployKind,
  type DeployOutcome,
} from '../domain/deploys/deploy-record.ts';

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

export { DoraSettings } from '../domain/catalog/dora-settings.ts';
