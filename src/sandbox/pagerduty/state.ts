import { createHash } from 'node:crypto';
import type {
  EmulatedIncident,
  EmulatedNote,
  EmulatedReference,
  EmulatedService,
  EmulatedUser,
  Fault,
  RecordedRequest,
  SeedIncident,
  SeedService,
  SeedUser,
} from './types.ts';

/** Everything the emulated PagerDuty account holds. */
export interface EmulatorState {
  /** Base of `self` links: the emulator's own URL once listening. */
  apiUrl: string;
  /** Base of `html_url` links, like `https://acme.pagerduty.com`. */
  webUrl: string;
  services: Map<string, EmulatedService>;
  incidents: Map<string, EmulatedIncident>;
  notes: Map<string, EmulatedNote[]>;
  users: Map<string, EmulatedUser>;
  /** When true, a `From` email must belong to a seeded user. */
  strictUsers: boolean;
  requests: RecordedRequest[];
  unexpected: RecordedRequest[];
  faults: Fault[];
  now(): Date;
  nextId(): string;
}

/** A fresh account; `now` drives every timestamp so tests can pin time. */
export function createEmulatorState(options: { webUrl: string; now: () => Date }): EmulatorState {
  let counter = 0;
  return {
    apiUrl: 'http://127.0.0.1',
    webUrl: options.webUrl,
    services: new Map(),
    incidents: new Map(),
    notes: new Map(),
    users: new Map(),
    strictUsers: false,
    requests: [],
    unexpected: [],
    faults: [],
    now: options.now,
    nextId() {
      counter += 1;
      // PagerDuty ids: seven upper-case alphanumerics starting with P.
      return `P${counter.toString(36).toUpperCase().padStart(6, '0')}`;
    },
  };
}

const PLURAL: Record<string, string> = {
  service: 'services',
  user: 'users',
  escalation_policy: 'escalation_policies',
  team: 'teams',
  incident: 'incidents',
  log_entry: 'log_entries',
  priority: 'priorities',
};

/** A reference object whose links point into the emulated account. */
export function reference(
  state: EmulatorState,
  kind: keyof typeof PLURAL,
  id: string,
  summary: string,
): EmulatedReference {
  const plural = PLURAL[kind] ?? `${kind}s`;
  return {
    id,
    type: `${kind}_reference`,
    summary,
    self: `${state.apiUrl}/${plural}/${id}`,
    html_url: `${state.webUrl}/${plural}/${id}`,
  };
}

/** Adds a user that `From` headers and assignments can name. */
export function addUser(state: EmulatorState, seed: SeedUser): EmulatedUser {
  const user = { id: seed.id ?? state.nextId(), name: seed.name, email: seed.email };
  state.users.set(user.id, user);
  return user;
}

/** Finds the user an email names; creates one unless the account is strict. */
export function userForEmail(state: EmulatorState, email: string): EmulatedUser | undefined {
  for (const user of state.users.values()) {
    if (user.email.toLowerCase() === email.toLowerCase()) return user;
  }
  if (state.strictUsers) return undefined;
  return addUser(state, { name: email.split('@')[0] ?? email, email });
}

/** Adds a service as PagerDuty would store it. */
export function addService(state: EmulatorState, seed: SeedService): EmulatedService {
  const id = seed.id ?? state.nextId();
  const at = state.now().toISOString();
  const policy = seed.escalationPolicy ?? { name: 'Default' };
  const service: EmulatedService = {
    id,
    type: 'service',
    name: seed.name,
    summary: seed.name,
    description: seed.description ?? null,
    status: 'active',
    self: `${state.apiUrl}/services/${id}`,
    html_url: `${state.webUrl}/service-directory/${id}`,
    created_at: at,
    updated_at: at,
    escalation_policy: reference(state, 'escalation_policy', policy.id ?? `${id}EP`, policy.name),
    teams: (seed.teams ?? []).map((t) => reference(state, 'team', t.id ?? state.nextId(), t.name)),
    alert_creation: 'create_alerts_and_incidents',
    acknowledgement_timeout: 1800,
    auto_resolve_timeout: 14400,
    last_incident_timestamp: null,
    integrations: [],
  };
  state.services.set(id, service);
  return service;
}

/** Adds an incident on a seeded service; throws when the service is unknown. */
export function addIncident(state: EmulatorState, seed: SeedIncident): EmulatedIncident {
  const service = state.services.get(seed.serviceId);
  if (!service) throw new Error(`pagerduty emulator: seed the service ${seed.serviceId} first`);
  const id = seed.id ?? state.nextId();
  const number = state.incidents.size + 1;
  const at = seed.createdAt ?? state.now().toISOString();
  const serviceRef = reference(state, 'service', service.id, service.name);
  const status = seed.status ?? 'triggered';
  const alerts = seed.alertCount ?? 1;
  const assignees = (seed.assignees ?? []).map((email) => {
    const user = userForEmail(state, email) ?? addUser(state, { name: email, email });
    return { at, assignee: reference(state, 'user', user.id, user.name) };
  });
  const incident: EmulatedIncident = {
    id,
    type: 'incident',
    summary: `[#${number}] ${seed.title}`,
    self: `${state.apiUrl}/incidents/${id}`,
    html_url: `${state.webUrl}/incidents/${id}`,
    incident_number: number,
    title: seed.title,
    description: seed.title,
    created_at: at,
    updated_at: at,
    status,
    incident_key:
      seed.incidentKey === undefined
        ? createHash('sha256').update(`${id}:${seed.title}`).digest('hex')
        : seed.incidentKey,
    service: serviceRef,
    assignments: status === 'resolved' ? [] : assignees,
    assigned_via: 'escalation_policy',
    acknowledgements: [],
    last_status_change_at: at,
    last_status_change_by: serviceRef,
    first_trigger_log_entry: reference(
      state,
      'log_entry',
      state.nextId(),
      'Triggered through the API.',
    ),
    alert_counts: {
      all: alerts,
      triggered: status === 'resolved' ? 0 : alerts,
      resolved: status === 'resolved' ? alerts : 0,
    },
    is_mergeable: true,
    escalation_policy: service.escalation_policy,
    teams: service.teams,
    pending_actions: [],
    priority: seed.priority
      ? {
          ...reference(state, 'priority', `PRI${seed.priority}`, seed.priority),
          type: 'priority',
          name: seed.priority,
          color: 'a8171c',
        }
      : null,
    urgency: seed.urgency ?? 'high',
    resolve_reason: null,
    conference_bridge: null,
  };
  service.last_incident_timestamp = at;
  state.incidents.set(id, incident);
  return incident;
}
