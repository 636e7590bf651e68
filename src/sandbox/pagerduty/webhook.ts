import { createHmac, randomUUID } from 'node:crypto';
import { type EmulatorState, reference, userForEmail } from './state.ts';
import type { EmulatedIncident, EmulatedReference } from './types.ts';

export type WebhookEventType =
  | 'incident.triggered'
  | 'incident.acknowledged'
  | 'incident.unacknowledged'
  | 'incident.resolved'
  | 'incident.reopened'
  | 'incident.escalated'
  | 'incident.priority_updated'
  | 'incident.annotated';

/** An event about an emulated incident, built from its current state. */
export interface WebhookEventSpec {
  type: WebhookEventType;
  incidentId: string;
  /** For `incident.annotated`: the note text; default the incident's latest note. */
  note?: string;
  /** Who acted; default the last user who changed the status, or the service for triggers. */
  agentEmail?: string;
  /** `event.client`, e.g. `{ name: 'Alertmanager' }` for Events API triggers. */
  client?: { name: string; url?: string } | null;
  occurredAt?: string;
}

/** What to send: an event built from state, a ready body object, or exact bytes. */
export type WebhookPayload =
  | WebhookEventSpec
  | { event: Record<string, unknown> }
  | string
  | Buffer;

export interface DeliverOptions {
  /** Signing secret of the subscription. */
  secret?: string;
  /** Several secrets during a rotation: one `v1=` signature each, comma-separated. */
  secrets?: string[];
  /** Redeliveries keep their id; default a fresh UUID. */
  webhookId?: string;
  subscriptionId?: string;
  /** PagerDuty gives up after 5 s. */
  timeoutMs?: number;
  /** Extra or replacing headers, to send a forged or stripped signature. */
  headers?: Record<string, string>;
}

export interface WebhookDelivery {
  status: number;
  responseBody: string;
  rawBody: Buffer;
  headers: Record<string, string>;
  webhookId: string;
}

/** `v1=<hex hmac-sha256(secret, body)>` per secret, comma-separated, as PagerDuty signs. */
export function signWebhookBody(rawBody: Buffer, secrets: string[]): string {
  return secrets
    .map((secret) => `v1=${createHmac('sha256', secret).update(rawBody).digest('hex')}`)
    .join(',');
}

/** The V3 body PagerDuty would send for an event on an emulated incident. */
export function buildWebhookBody(
  state: EmulatorState,
  spec: WebhookEventSpec,
): { event: Record<string, unknown> } {
  const incident = state.incidents.get(spec.incidentId);
  if (!incident) throw new Error(`pagerduty emulator: no incident ${spec.incidentId}`);
  const occurredAt = spec.occurredAt ?? state.now().toISOString();
  return {
    event: {
      id: randomUUID(),
      event_type: spec.type,
      resource_type: 'incident',
      occurred_at: occurredAt,
      agent: agentOf(state, incident, spec),
      client: spec.client === undefined ? null : spec.client,
      data:
        spec.type === 'incident.annotated'
          ? noteData(state, incident, spec)
          : incidentData(state, incident),
    },
  };
}

function agentOf(
  state: EmulatorState,
  incident: EmulatedIncident,
  spec: WebhookEventSpec,
): EmulatedReference {
  if (spec.agentEmail) {
    const user = userForEmail(state, spec.agentEmail);
    if (user) return reference(state, 'user', user.id, user.name);
  }
  return spec.type === 'incident.triggered' ? incident.service : incident.last_status_change_by;
}

function incidentData(state: EmulatorState, incident: EmulatedIncident): Record<string, unknown> {
  return {
    id: incident.id,
    type: 'incident',
    self: incident.self,
    html_url: incident.html_url,
    number: incident.incident_number,
    status: incident.status,
    incident_key: incident.incident_key,
    created_at: incident.created_at,
    title: incident.title,
    service: incident.service,
    assignees: incident.assignments.map((a) => a.assignee),
    escalation_policy: incident.escalation_policy,
    teams: incident.teams,
    priority: incident.priority
      ? {
          ...reference(state, 'priority', incident.priority.id, incident.priority.summary),
          html_url: `${state.webUrl}/account/incident_priorities`,
        }
      : null,
    urgency: incident.urgency,
    conference_bridge: incident.conference_bridge,
    resolve_reason: incident.resolve_reason,
  };
}

// incident.annotated carries an incident_note, not the incident (PagerDuty V3 event data types).
function noteData(
  state: EmulatorState,
  incident: EmulatedIncident,
  spec: WebhookEventSpec,
): Record<string, unknown> {
  const latest = state.notes.get(incident.id)?.at(-1);
  return {
    incident: { ...reference(state, 'incident', incident.id, incident.title) },
    id: latest?.id ?? state.nextId(),
    content: spec.note ?? latest?.content ?? '',
    trimmed: false,
    type: 'incident_note',
  };
}

/** Serializes, signs and POSTs a webhook with the headers PagerDuty's V3 sender uses. */
export async function deliverWebhook(
  state: EmulatorState,
  url: string,
  payload: WebhookPayload,
  options: DeliverOptions,
): Promise<WebhookDelivery> {
  const rawBody = toRawBody(state, payload);
  const secrets = [...(options.secret ? [options.secret] : []), ...(options.secrets ?? [])];
  const webhookId = options.webhookId ?? randomUUID();
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'PagerDuty-Webhook/V3.0',
    'x-webhook-id': webhookId,
    'x-webhook-subscription': options.subscriptionId ?? 'PSUBSCR',
    ...(secrets.length > 0 ? { 'x-pagerduty-signature': signWebhookBody(rawBody, secrets) } : {}),
    ...lowerKeys(options.headers ?? {}),
  };
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body: rawBody,
    signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
  });
  return {
    status: response.status,
    responseBody: await response.text(),
    rawBody,
    headers,
    webhookId,
  };
}

function toRawBody(state: EmulatorState, payload: WebhookPayload): Buffer {
  if (Buffer.isBuffer(payload)) return payload;
  if (typeof payload === 'string') return Buffer.from(payload, 'utf8');
  const body = 'event' in payload ? payload : buildWebhookBody(state, payload);
  return Buffer.from(JSON.stringify(body), 'utf8');
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
