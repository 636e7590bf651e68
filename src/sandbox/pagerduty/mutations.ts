import { errorReply, INVALID_INPUT, type Reply } from './http.ts';
import { type EmulatorState, reference } from './state.ts';
import type { EmulatedIncident, EmulatedNote, EmulatedUser } from './types.ts';

export type Mutation<T> = { ok: true; value: T } | { ok: false; reply: Reply };

/**
 * Applies `{ type, status }` from a PUT body as PagerDuty does: only acknowledged or resolved,
 * never on a resolved incident; resolving clears assignments and acknowledgements.
 */
export function changeIncidentStatus(
  state: EmulatorState,
  incident: EmulatedIncident,
  change: unknown,
  user: EmulatedUser,
): Mutation<EmulatedIncident> {
  const fields = (typeof change === 'object' && change !== null ? change : {}) as Record<
    string,
    unknown
  >;
  if (fields.type !== 'incident' && fields.type !== 'incident_reference') {
    return { ok: false, reply: INVALID_INPUT(['Type must be incident or incident_reference']) };
  }
  const status = fields.status;
  if (status !== 'acknowledged' && status !== 'resolved') {
    return { ok: false, reply: errorReply(400, 'Invalid Status Provided', 1003) };
  }
  if (incident.status === 'resolved') {
    return {
      ok: false,
      reply: errorReply(400, 'Incident Already Resolved', 1001, ['Incident Already Resolved']),
    };
  }
  const at = state.now().toISOString();
  const who = reference(state, 'user', user.id, user.name);
  incident.status = status;
  incident.updated_at = at;
  incident.last_status_change_at = at;
  incident.last_status_change_by = who;
  if (status === 'acknowledged') {
    incident.acknowledgements.push({ at, acknowledger: who });
  } else {
    incident.assignments = [];
    incident.acknowledgements = [];
    incident.alert_counts = {
      all: incident.alert_counts.all,
      triggered: 0,
      resolved: incident.alert_counts.all,
    };
  }
  return { ok: true, value: incident };
}

/** Adds a note from `{ note: { content } }`; PagerDuty refuses empty content. */
export function addIncidentNote(
  state: EmulatorState,
  incident: EmulatedIncident,
  body: unknown,
  user: EmulatedUser,
): Mutation<EmulatedNote> {
  const note = (body as { note?: { content?: unknown } } | null)?.note;
  const content = note?.content;
  if (typeof content !== 'string' || content.trim() === '') {
    return { ok: false, reply: INVALID_INPUT(['Content cannot be empty.']) };
  }
  if (content.length > 25_000) {
    return {
      ok: false,
      reply: INVALID_INPUT(['Content is too long (maximum is 25000 characters)']),
    };
  }
  const created: EmulatedNote = {
    id: state.nextId(),
    user: reference(state, 'user', user.id, user.name),
    channel: { summary: 'The PagerDuty website or APIs' },
    content,
    created_at: state.now().toISOString(),
  };
  const list = state.notes.get(incident.id) ?? [];
  list.push(created);
  state.notes.set(incident.id, list);
  return { ok: true, value: created };
}
