/** Incident statuses of PagerDuty REST API v2. */
export type IncidentStatus = 'triggered' | 'acknowledged' | 'resolved';
export type Urgency = 'high' | 'low';

/** A PagerDuty reference object (`service_reference`, `user_reference`...). */
export interface EmulatedReference {
  id: string;
  type: string;
  summary: string;
  self: string;
  html_url: string;
}

export interface SeedUser {
  id?: string;
  name: string;
  email: string;
}

export interface SeedService {
  id?: string;
  name: string;
  description?: string | null;
  escalationPolicy?: { id?: string; name: string };
  teams?: Array<{ id?: string; name: string }>;
}

export interface SeedIncident {
  id?: string;
  title: string;
  serviceId: string;
  status?: IncidentStatus;
  urgency?: Urgency;
  /** Dedup key; Alertmanager sends a sha256 of the group key. Generated when absent. */
  incidentKey?: string | null;
  /** ISO time; default the emulator clock. */
  createdAt?: string;
  /** Priority name such as `P1`; null or absent for none. */
  priority?: string | null;
  /** Emails of users assigned; must be seeded users or are created on the fly. */
  assignees?: string[];
  alertCount?: number;
}

/** A service as `GET /services/{id}` returns it. */
export interface EmulatedService {
  id: string;
  type: 'service';
  name: string;
  summary: string;
  description: string | null;
  status: 'active' | 'warning' | 'critical' | 'maintenance' | 'disabled';
  self: string;
  html_url: string;
  created_at: string;
  updated_at: string;
  escalation_policy: EmulatedReference;
  teams: EmulatedReference[];
  alert_creation: 'create_alerts_and_incidents';
  acknowledgement_timeout: number | null;
  auto_resolve_timeout: number | null;
  last_incident_timestamp: string | null;
  integrations: EmulatedReference[];
}

/** An incident as `GET /incidents/{id}` returns it. */
export interface EmulatedIncident {
  id: string;
  type: 'incident';
  summary: string;
  self: string;
  html_url: string;
  incident_number: number;
  title: string;
  description: string;
  created_at: string;
  updated_at: string;
  status: IncidentStatus;
  incident_key: string | null;
  service: EmulatedReference;
  assignments: Array<{ at: string; assignee: EmulatedReference }>;
  assigned_via: 'escalation_policy';
  acknowledgements: Array<{ at: string; acknowledger: EmulatedReference }>;
  last_status_change_at: string;
  last_status_change_by: EmulatedReference;
  first_trigger_log_entry: EmulatedReference;
  alert_counts: { all: number; triggered: number; resolved: number };
  is_mergeable: boolean;
  escalation_policy: EmulatedReference;
  teams: EmulatedReference[];
  pending_actions: unknown[];
  priority: (EmulatedReference & { name: string; color: string }) | null;
  urgency: Urgency;
  resolve_reason: null;
  conference_bridge: { conference_number: string; conference_url: string } | null;
}

/** A note as `GET /incidents/{id}/notes` returns it. */
export interface EmulatedNote {
  id: string;
  user: EmulatedReference;
  channel: { summary: string };
  content: string;
  created_at: string;
}

export interface EmulatedUser {
  id: string;
  name: string;
  email: string;
}

/** One request the emulator received, with what it answered. */
export interface RecordedRequest {
  method: string;
  path: string;
  /** Query parameters; repeated keys such as `statuses[]` keep every value. */
  query: Record<string, string[]>;
  headers: Record<string, string>;
  body: unknown;
  status: number;
  at: number;
}

/** An injected failure or stall for the next matching requests. */
export interface Fault {
  remaining: number;
  status?: number;
  delayMs?: number;
  retryAfterSeconds?: number;
  /** Raw body to answer with instead of PagerDuty's error JSON (an HTML 502 from a proxy...). */
  body?: string;
  /** Only requests whose `METHOD /path` matches. */
  match?: RegExp;
}
