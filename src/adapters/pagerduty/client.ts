import { z } from 'zod';
import type { Logger } from '../../telemetry/logger.ts';
import { PagerDutyError } from './errors.ts';
import { DEFAULT_RETRY, type RetryPolicy } from './retry.ts';
import {
  IncidentPage,
  PagerDutyIncident,
  PagerDutyNote,
  PagerDutyService,
  type Urgency,
} from './schema.ts';
import { createTransport, type PagerDutyRequest, type Transport } from './transport.ts';

/** Who acts on PagerDuty's side: the email sent as the `From` header on writes. */
export interface ActAs {
  from?: string;
}

/** What the bot needs from PagerDuty; failures talking to it reject with PagerDutyError. */
export interface PagerDuty {
  /** Triggered and acknowledged incidents, every page, oldest first. */
  listOpenIncidents(filter?: {
    serviceIds?: string[];
    urgencies?: Urgency[];
  }): Promise<PagerDutyIncident[]>;
  getIncident(id: string): Promise<PagerDutyIncident>;
  acknowledge(id: string, actAs?: ActAs): Promise<PagerDutyIncident>;
  resolve(id: string, actAs?: ActAs): Promise<PagerDutyIncident>;
  addNote(id: string, content: string, actAs?: ActAs): Promise<PagerDutyNote>;
  /** The notes on an incident's timeline, oldest first. */
  listNotes(id: string): Promise<PagerDutyNote[]>;
  getService(id: string): Promise<PagerDutyService>;
}

export interface PagerDutyClientOptions {
  token: string;
  /** `PAGERDUTY_API_URL`; default https://api.pagerduty.com. */
  apiUrl?: string;
  /** Default `From` email for writes when a call does not name one. */
  from?: string;
  log: Logger;
  /** Deadline of one attempt (default 10 s). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Wait before each of pdjs's own 429 re-sends (default 1 s). */
  rateLimitRetryMs?: number;
  /** Incidents per page, at most 100 (PagerDuty's cap). */
  pageSize?: number;
  /** Bound on pages fetched by listOpenIncidents (default 20). */
  maxPages?: number;
}

/** Builds the PagerDuty REST API v2 client on pdjs, with retries, deadlines and typed results. */
export function createPagerDutyClient(options: PagerDutyClientOptions): PagerDuty {
  const send = createTransport({
    token: options.token,
    apiUrl: (options.apiUrl ?? 'https://api.pagerduty.com').replace(/\/+$/, ''),
    timeoutMs: options.timeoutMs ?? 10_000,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    rateLimitRetryMs: options.rateLimitRetryMs ?? 1_000,
    log: options.log,
  });
  const pageSize = Math.min(Math.max(1, options.pageSize ?? 100), 100);
  const maxPages = Math.max(1, options.maxPages ?? 20);
  const fromOf = (actAs?: ActAs) => actAs?.from ?? options.from;

  async function setStatus(id: string, status: 'acknowledged' | 'resolved', actAs?: ActAs) {
    const request = write('PUT', incidentPath(id), fromOf(actAs), {
      incident: { type: 'incident_reference', status },
    });
    return fetchParsed(send, request, 'incident', PagerDutyIncident);
  }

  return {
    async listOpenIncidents(filter = {}) {
      const found = new Map<string, PagerDutyIncident>();
      let offset = 0;
      let more = true;
      for (let page = 0; page < maxPages && more; page += 1) {
        const query: Record<string, string | string[]> = {
          'statuses[]': ['triggered', 'acknowledged'],
          date_range: 'all',
          limit: String(pageSize),
          offset: String(offset),
        };
        if (filter.serviceIds?.length) query['service_ids[]'] = filter.serviceIds;
        if (filter.urgencies?.length) query['urgencies[]'] = filter.urgencies;
        const request: PagerDutyRequest = { method: 'GET', path: '/incidents', query };
        const data = parse(request, IncidentPage, await send(request));
        // Offsets shift when incidents resolve between pages; the map drops repeats.
        for (const incident of data.incidents) found.set(incident.id, incident);
        more = data.more && data.incidents.length > 0;
        offset += data.incidents.length;
      }
      if (more) {
        options.log.warn(
          { fetched: found.size, maxPages, pageSize },
          'pagerduty: more open incidents than the page bound; the list is incomplete',
        );
      }
      return [...found.values()];
    },
    getIncident: async (id) =>
      fetchParsed(send, { method: 'GET', path: incidentPath(id) }, 'incident', PagerDutyIncident),
    acknowledge: (id, actAs) => setStatus(id, 'acknowledged', actAs),
    resolve: (id, actAs) => setStatus(id, 'resolved', actAs),
    async addNote(id, content, actAs) {
      const request = write('POST', `${incidentPath(id)}/notes`, fromOf(actAs), {
        note: { content },
      });
      return fetchParsed(send, request, 'note', PagerDutyNote);
    },
    async listNotes(id) {
      const request = { method: 'GET' as const, path: `${incidentPath(id)}/notes` };
      return fetchParsed(send, request, 'notes', z.array(PagerDutyNote));
    },
    getService: async (id) =>
      fetchParsed(
        send,
        { method: 'GET', path: `/services/${pathId(id)}` },
        'service',
        PagerDutyService,
      ),
  };
}

function incidentPath(id: string): string {
  return `/incidents/${pathId(id)}`;
}

function pathId(id: string): string {
  if (id.trim() === '') throw new TypeError('PagerDuty id must not be empty');
  return encodeURIComponent(id);
}

function write(
  method: 'PUT' | 'POST',
  path: string,
  from: string | undefined,
  body: object,
): PagerDutyRequest {
  return from ? { method, path, body, from } : { method, path, body };
}

async function fetchParsed<T extends z.ZodType>(
  send: Transport,
  request: PagerDutyRequest,
  key: string,
  schema: T,
): Promise<z.infer<T>> {
  const data = await send(request);
  const wrapped =
    typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
  return parse(request, schema, wrapped[key]);
}

// PagerDuty answered 2xx but not with what the API documents: say where, not just "invalid".
function parse<T extends z.ZodType>(
  request: PagerDutyRequest,
  schema: T,
  data: unknown,
): z.infer<T> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issues = result.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
  throw new PagerDutyError({
    kind: 'invalid_response',
    method: request.method,
    path: request.path,
    pagerDutyMessage: 'the response does not have the documented shape',
    errors: issues,
  });
}
