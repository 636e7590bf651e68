import { z } from 'zod';
import { AlertmanagerWebhook } from '../../adapters/alertmanager/schema.ts';
import { PagerDutyWebhook } from '../../adapters/pagerduty/schema.ts';
import { Slug } from '../commands/schema.ts';
import { DEPLOY_KINDS, type DeployKind } from '../deploys/deploy-kinds.ts';

const Time = z.iso.datetime({ offset: true });
const StringMap = z.record(z.string(), z.string());

/** What made a change, as the change log names it (`deploy` when a replay leaves it out). */
export const ChangeKind = z.enum(DEPLOY_KINDS as [DeployKind, ...DeployKind[]]);

/**
 * An image change from the change log (or replayed): a signal that explains, never one that
 * pages. Only a `deploy`, an `external` change, or a change back to a version rolled back
 * earlier is a suspect to roll back; rollbacks, reverts and the bot's own runs are not.
 */
export const Deploy = z.strictObject({
  service: Slug,
  env: Slug,
  from: z.string().min(1),
  to: z.string().min(1),
  by: z.string().min(1),
  /** `by` as people read it (a Slack display name), when the change log's reader could ask. */
  byName: z.string().min(1).optional(),
  at: Time,
  kind: ChangeKind.default('deploy'),
  outcome: z.string().min(1).optional(),
  runId: z.string().min(1).optional(),
  /** Set by flagReturns(): `to` was rolled back (or its deploy failed) earlier. */
  returnsTo: z
    .strictObject({ kind: ChangeKind, by: z.string(), at: Time, outcome: z.string().optional() })
    .optional(),
});
export type Deploy = z.output<typeof Deploy>;
export type DeployInput = z.input<typeof Deploy>;

export const SignalSource = z.enum(['alertmanager', 'pagerduty', 'deploy']);
export type SignalSource = z.infer<typeof SignalSource>;

/**
 * `firing` (PagerDuty `triggered` too), `acknowledged` (PagerDuty only), `resolved`, and
 * `recorded` for deploys: a point in time that neither keeps an incident open nor closes it.
 */
export const SignalStatus = z.enum(['firing', 'acknowledged', 'resolved', 'recorded']);
export type SignalStatus = z.infer<typeof SignalStatus>;

/** One normalized alert, PagerDuty incident or deploy. `id` is unique within its source. */
export const Signal = z.object({
  source: SignalSource,
  /** Alertmanager fingerprint, PagerDuty incident id, or `service/env@version@time` for deploys. */
  id: z.string().min(1),
  /** Alert name (`alertname`, or parsed from a `[FIRING:N] Name ...` title), or `Deploy`. */
  name: z.string(),
  /** PagerDuty title or the alert's summary annotation. */
  title: z.string().optional(),
  service: z.string().optional(),
  env: z.string().optional(),
  /** How the service was found (`label app`, `pagerduty service PCHK7Q2`...), for reasons. */
  resolvedBy: z.string().optional(),
  severity: z.string().optional(),
  urgency: z.enum(['high', 'low']).optional(),
  status: SignalStatus,
  labels: StringMap,
  annotations: StringMap,
  startedAt: Time,
  resolvedAt: Time.optional(),
  /** When this state was observed: what orders signals in an incident book. */
  at: Time,
  link: z.string().optional(),
  /** Alertmanager group key; for PagerDuty, `incident_key` (Alertmanager sends sha256(groupKey)). */
  groupKey: z.string().optional(),
  pagerduty: z
    .object({ id: z.string(), number: z.number(), serviceId: z.string(), url: z.string() })
    .optional(),
  deploy: z
    .object({
      from: z.string(),
      to: z.string(),
      by: z.string(),
      /** `by`'s display name, for text that leaves Slack (PagerDuty notes) or cannot mention. */
      byName: z.string().optional(),
      kind: ChangeKind.optional(),
      /** The version `to` was rolled back earlier: a change back to it is flagged. */
      returnsTo: z
        .object({ kind: ChangeKind, by: z.string(), at: Time, outcome: z.string().optional() })
        .optional(),
    })
    .optional(),
});
export type Signal = z.infer<typeof Signal>;

/** A recorded bundle of signals for offline replay (`mc triage --input`, playbook tests). */
export const TriageInput = z.strictObject({
  now: Time,
  alertmanager: z.array(AlertmanagerWebhook).default([]),
  pagerduty: z.array(PagerDutyWebhook).default([]),
  deploys: z.array(Deploy).default([]),
});
export type TriageInput = z.infer<typeof TriageInput>;
export type TriageInputRaw = z.input<typeof TriageInput>;

/** Signals grouped for one service and environment within a time window. */
export interface Incident {
  id: string;
  /** Undefined when no signal named a catalog service; such incidents group by alert group. */
  service?: string;
  env?: string;
  status: 'open' | 'closed';
  openedAt: string;
  updatedAt: string;
  closedAt?: string;
  /** Earliest `startedAt` of its alert and PagerDuty signals. */
  firstSignalAt: string;
  /** Latest state of each alert and PagerDuty signal, in arrival order. */
  signals: Signal[];
  /** Changes (deploys, rollbacks...) of this service and environment near the incident. */
  deploys: Signal[];
  /** The closed incident this one follows: its signals resolved, then came back. */
  follows?: string;
}

export type IncidentChange = 'opened' | 'updated' | 'resolved' | 'closed' | 'ignored';
