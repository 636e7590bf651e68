import { z } from 'zod';

// Every object is loose: PagerDuty adds fields over time and we must not break on them.

export const IncidentStatus = z.enum(['triggered', 'acknowledged', 'resolved']);
export type IncidentStatus = z.infer<typeof IncidentStatus>;

export const Urgency = z.enum(['high', 'low']);
export type Urgency = z.infer<typeof Urgency>;

/** A `*_reference` object: enough to name and link a resource. */
export const PagerDutyReference = z.looseObject({
  id: z.string().min(1),
  type: z.string(),
  summary: z.string().nullish(),
  self: z.string().nullish(),
  html_url: z.string().nullish(),
});
export type PagerDutyReference = z.infer<typeof PagerDutyReference>;

/** An incident from the REST API v2 (`GET /incidents/{id}`). */
export const PagerDutyIncident = z.looseObject({
  id: z.string().min(1),
  type: z.literal('incident'),
  incident_number: z.number().int(),
  title: z.string(),
  summary: z.string().nullish(),
  status: IncidentStatus,
  urgency: Urgency,
  html_url: z.string(),
  self: z.string().nullish(),
  created_at: z.string(),
  updated_at: z.string().nullish(),
  incident_key: z.string().nullable(),
  service: PagerDutyReference,
  assignments: z.array(z.looseObject({ at: z.string(), assignee: PagerDutyReference })).default([]),
  acknowledgements: z
    .array(z.looseObject({ at: z.string(), acknowledger: PagerDutyReference }))
    .default([]),
  escalation_policy: PagerDutyReference.nullish(),
  teams: z.array(PagerDutyReference).default([]),
  priority: PagerDutyReference.nullish(),
  last_status_change_at: z.string().nullish(),
  last_status_change_by: PagerDutyReference.nullish(),
  resolve_reason: z.unknown().optional(),
});
export type PagerDutyIncident = z.infer<typeof PagerDutyIncident>;

/** A service (`GET /services/{id}`). */
export const PagerDutyService = z.looseObject({
  id: z.string().min(1),
  type: z.literal('service'),
  name: z.string(),
  summary: z.string().nullish(),
  description: z.string().nullish(),
  status: z.string(),
  html_url: z.string(),
  escalation_policy: PagerDutyReference.nullish(),
  teams: z.array(PagerDutyReference).default([]),
});
export type PagerDutyService = z.infer<typeof PagerDutyService>;

/** A note on an incident (`POST /incidents/{id}/notes`). */
export const PagerDutyNote = z.looseObject({
  id: z.string().min(1),
  content: z.string(),
  created_at: z.string(),
  user: PagerDutyReference.nullish(),
});
export type PagerDutyNote = z.infer<typeof PagerDutyNote>;

/** One page of `GET /incidents` (classic offset pagination). */
export const IncidentPage = z.looseObject({
  incidents: z.array(PagerDutyIncident),
  limit: z.number().int(),
  offset: z.number().int(),
  more: z.boolean(),
});
export type IncidentPage = z.infer<typeof IncidentPage>;

/** PagerDuty's error body: `{ error: { message, code, errors? } }`. */
export const PagerDutyErrorBody = z.looseObject({
  error: z.looseObject({
    message: z.string(),
    code: z.number().int().optional(),
    errors: z.array(z.string()).optional(),
  }),
});
export type PagerDutyErrorBody = z.infer<typeof PagerDutyErrorBody>;

/** `event.data` of incident events: the incident as webhooks V3 describe it. */
export const WebhookIncident = z.looseObject({
  id: z.string().min(1),
  type: z.literal('incident'),
  self: z.string().nullish(),
  html_url: z.string(),
  number: z.number().int(),
  status: IncidentStatus,
  incident_key: z.string().nullable(),
  created_at: z.iso.datetime({ offset: true }),
  title: z.string(),
  service: PagerDutyReference,
  assignees: z.array(PagerDutyReference).default([]),
  escalation_policy: PagerDutyReference.nullish(),
  teams: z.array(PagerDutyReference).default([]),
  priority: PagerDutyReference.nullish(),
  urgency: Urgency,
  conference_bridge: z.looseObject({}).nullish(),
  resolve_reason: z.unknown().optional(),
});
export type WebhookIncident = z.infer<typeof WebhookIncident>;

/** `event.data` of `incident.annotated`: the note and a reference to its incident. */
export const WebhookIncidentNote = z.looseObject({
  id: z.string().min(1),
  type: z.literal('incident_note'),
  incident: PagerDutyReference,
  content: z.string(),
  trimmed: z.boolean().optional(),
});
export type WebhookIncidentNote = z.infer<typeof WebhookIncidentNote>;

/** Any other `event.data` (responders, status updates, services...): kept, not interpreted. */
export const WebhookOtherData = z.looseObject({
  // Aborting, so a broken incident reports the incident branch's issues, not this refinement.
  type: z.string().refine((t) => t !== 'incident' && t !== 'incident_note', {
    message: 'does not match its schema',
    abort: true,
  }),
});
export type WebhookOtherData = z.infer<typeof WebhookOtherData>;

/** The body of a PagerDuty V3 webhook: one event. */
export const PagerDutyWebhook = z.looseObject({
  event: z.looseObject({
    id: z.string().min(1),
    event_type: z.string().regex(/^[a-z_]+(\.[a-z_]+)+$/, 'must look like incident.triggered'),
    resource_type: z.string().min(1),
    occurred_at: z.iso.datetime({ offset: true }),
    agent: PagerDutyReference.nullish(),
    client: z.looseObject({ name: z.string() }).nullish(),
    data: z.union([WebhookIncident, WebhookIncidentNote, WebhookOtherData]),
  }),
});
export type PagerDutyWebhook = z.infer<typeof PagerDutyWebhook>;
export type PagerDutyWebhookEvent = PagerDutyWebhook['event'];
