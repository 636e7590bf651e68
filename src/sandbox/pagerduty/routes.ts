import { errorReply, INVALID_INPUT, NOT_FOUND, type Reply } from './http.ts';
import { listIncidents } from './list-incidents.ts';
import { addIncidentNote, changeIncidentStatus } from './mutations.ts';
import { type EmulatorState, userForEmail } from './state.ts';
import type { EmulatedIncident, EmulatedUser } from './types.ts';

/** A request as the router sees it: body already read, headers lower-cased. */
export interface RouteInput {
  method: string;
  path: string;
  query: Record<string, string[]>;
  headers: Record<string, string>;
  body: unknown;
}

/** What the router decided; `unexpected` marks requests no real client of ours should send. */
export interface RouteResult {
  reply: Reply;
  unexpected: boolean;
}

const ACCEPT = 'application/vnd.pagerduty+json;version=2';

/** Routes one request through auth, the Accept contract, `From` on writes, then the endpoint. */
export function route(state: EmulatorState, token: string, input: RouteInput): RouteResult {
  const auth = input.headers.authorization ?? '';
  if (auth !== `Token token=${token}` && auth !== `Bearer ${token}`) {
    return { reply: errorReply(401, 'Authentication failed', 2006), unexpected: false };
  }
  const accept = (input.headers.accept ?? '').replace(/\s+/g, '');
  if (!accept.includes(ACCEPT)) {
    const reply = INVALID_INPUT([`The Accept header must be ${ACCEPT}`]);
    return { reply, unexpected: true };
  }
  const segments = input.path.split('/').filter(Boolean);
  const shape = segments.map((s, i) => (i % 2 === 1 && s !== 'me' ? ':id' : s)).join('/');
  const endpoint = `${input.method} /${shape}`;
  const id = segments[1] ?? '';
  const isWrite = input.method === 'PUT' || input.method === 'POST';
  let requester: EmulatedUser | undefined;
  if (isWrite && KNOWN.has(endpoint)) {
    const from = requesterFrom(state, input.headers.from);
    if (!from.ok) return { reply: from.reply, unexpected: false };
    requester = from.user;
  }
  switch (endpoint) {
    case 'GET /incidents':
      return ok(listIncidents(state, input.query));
    case 'GET /incidents/:id':
      return ok(withIncident(state, id, (incident) => ({ status: 200, body: { incident } })));
    case 'PUT /incidents/:id':
      return ok(
        withIncident(state, id, (incident) => {
          const change = (input.body as { incident?: unknown } | null)?.incident;
          const result = changeIncidentStatus(state, incident, change, requester!);
          return result.ok ? { status: 200, body: { incident: result.value } } : result.reply;
        }),
      );
    case 'PUT /incidents':
      return ok(bulkUpdate(state, input.body, requester!));
    case 'GET /incidents/:id/notes':
      return ok(
        withIncident(state, id, () => ({
          status: 200,
          body: { notes: state.notes.get(id) ?? [] },
        })),
      );
    case 'POST /incidents/:id/notes':
      return ok(
        withIncident(state, id, (incident) => {
          const result = addIncidentNote(state, incident, input.body, requester!);
          return result.ok ? { status: 201, body: { note: result.value } } : result.reply;
        }),
      );
    case 'GET /services/:id': {
      const service = state.services.get(id);
      return ok(service ? { status: 200, body: { service } } : NOT_FOUND());
    }
    case 'GET /users/me':
      return ok(currentUser(state));
    default:
      return { reply: NOT_FOUND(), unexpected: true };
  }
}

const KNOWN = new Set(['PUT /incidents', 'PUT /incidents/:id', 'POST /incidents/:id/notes']);

function ok(reply: Reply): RouteResult {
  return { reply, unexpected: false };
}

function requesterFrom(
  state: EmulatorState,
  from: string | undefined,
): { ok: true; user: EmulatedUser } | { ok: false; reply: Reply } {
  if (!from) {
    const message = `You must specify a user's email address in the "From" header to perform this action`;
    return { ok: false, reply: errorReply(400, message, 2016) };
  }
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(from)) {
    return { ok: false, reply: errorReply(400, 'Malformed "From" header', 1028) };
  }
  const user = userForEmail(state, from);
  if (!user) return { ok: false, reply: errorReply(400, 'Requester User Not Found', 1008) };
  return { ok: true, user };
}

function withIncident(
  state: EmulatorState,
  id: string,
  then: (incident: EmulatedIncident) => Reply,
): Reply {
  const incident = state.incidents.get(id);
  return incident ? then(incident) : NOT_FOUND();
}

function bulkUpdate(state: EmulatorState, body: unknown, requester: EmulatedUser): Reply {
  const items = (body as { incidents?: unknown } | null)?.incidents;
  if (!Array.isArray(items) || items.length === 0) {
    return INVALID_INPUT(['Incidents must be a non-empty array']);
  }
  const targets = items.map((item) => state.incidents.get(String(item?.id ?? '')));
  if (targets.some((t) => t === undefined)) return NOT_FOUND();
  const updated: EmulatedIncident[] = [];
  for (const [index, incident] of targets.entries()) {
    const result = changeIncidentStatus(state, incident!, items[index], requester);
    if (!result.ok) return result.reply;
    updated.push(result.value);
  }
  return { status: 200, body: { incidents: updated } };
}

function currentUser(state: EmulatorState): Reply {
  const me = state.users.values().next().value;
  if (!me) {
    return INVALID_INPUT(['The current user is only known for user-level API keys']);
  }
  return {
    status: 200,
    body: {
      user: {
        id: me.id,
        type: 'user',
        name: me.name,
        summary: me.name,
        email: me.email,
        time_zone: 'Etc/UTC',
        role: 'user',
        self: `${state.apiUrl}/users/${me.id}`,
        html_url: `${state.webUrl}/users/${me.id}`,
      },
    },
  };
}
