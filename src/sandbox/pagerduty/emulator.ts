import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleRequest } from './handle-request.ts';
import { send } from './http.ts';
import { addIncident, addService, addUser, createEmulatorState } from './state.ts';
import type {
  EmulatedIncident,
  EmulatedNote,
  EmulatedService,
  EmulatedUser,
  RecordedRequest,
  SeedIncident,
  SeedService,
  SeedUser,
} from './types.ts';
import {
  buildWebhookBody,
  type DeliverOptions,
  deliverWebhook,
  type WebhookDelivery,
  type WebhookEventSpec,
  type WebhookPayload,
} from './webhook.ts';

export interface PagerDutyEmulatorOptions {
  /** API token the emulator accepts as `Authorization: Token token=…`. */
  token?: string;
  /** Base of `html_url` links. */
  webUrl?: string;
  /** When given, `From` must name one of these users; otherwise any email acts as a user. */
  users?: SeedUser[];
  services?: SeedService[];
  incidents?: SeedIncident[];
  now?: () => Date;
}

export interface FaultOptions {
  /** `Retry-After` and `ratelimit-reset` seconds on a 429 (default 1). */
  retryAfterSeconds?: number;
  /** Answer with this raw non-JSON body instead of PagerDuty's error JSON. */
  body?: string;
  /** Only requests whose `METHOD /path` matches. */
  match?: RegExp;
}

/** A running PagerDuty REST API v2 emulator with state queries for tests. */
export interface PagerDutyEmulator {
  /** Base URL to use as `PAGERDUTY_API_URL`. */
  url: string;
  token: string;
  seedUser(seed: SeedUser): EmulatedUser;
  seedService(seed: SeedService): EmulatedService;
  seedIncident(seed: SeedIncident): EmulatedIncident;
  /** Copies of the stored resources, so tests read state without changing it. */
  incident(id: string): EmulatedIncident | undefined;
  incidents(): EmulatedIncident[];
  service(id: string): EmulatedService | undefined;
  notes(incidentId: string): EmulatedNote[];
  /** Every request received, in order, with the status answered. */
  requests: RecordedRequest[];
  /** Requests to unknown paths or breaking the API contract. */
  unexpected: RecordedRequest[];
  /** The next `count` matching requests get `status` with PagerDuty's error body. */
  failNext(count: number, status: number, options?: FaultOptions): void;
  /** The next `count` matching requests are answered only after `ms`. */
  delayNext(count: number, ms: number, options?: { match?: RegExp }): void;
  webhookBody(spec: WebhookEventSpec): { event: Record<string, unknown> };
  /** POSTs a signed V3 webhook to `url`, as PagerDuty's webhook sender does. */
  deliverWebhook(
    url: string,
    payload: WebhookPayload,
    options: DeliverOptions,
  ): Promise<WebhookDelivery>;
  /** Forgets requests and faults; keeps seeded resources. */
  reset(): void;
  close(): Promise<void>;
}

/** Starts the emulator on 127.0.0.1 with an ephemeral port. */
export async function startPagerDutyEmulator(
  options: PagerDutyEmulatorOptions = {},
): Promise<PagerDutyEmulator> {
  const token = options.token ?? 'pd-emulator-token';
  const state = createEmulatorState({
    webUrl: options.webUrl ?? 'https://acme.pagerduty.com',
    now: options.now ?? (() => new Date()),
  });
  const closing = new AbortController();
  const server = createServer((req, res) => {
    handleRequest(state, token, closing.signal, req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, { status: 500, body: { error: String(error) } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.apiUrl = url;
  for (const user of options.users ?? []) addUser(state, user);
  state.strictUsers = (options.users ?? []).length > 0;
  for (const service of options.services ?? []) addService(state, service);
  for (const incident of options.incidents ?? []) addIncident(state, incident);

  return {
    url,
    token,
    seedUser: (seed) => addUser(state, seed),
    seedService: (seed) => addService(state, seed),
    seedIncident: (seed) => addIncident(state, seed),
    incident: (id) => copy(state.incidents.get(id)),
    incidents: () => [...state.incidents.values()].map((i) => structuredClone(i)),
    service: (id) => copy(state.services.get(id)),
    notes: (incidentId) => structuredClone(state.notes.get(incidentId) ?? []),
    requests: state.requests,
    unexpected: state.unexpected,
    failNext(count, status, fault = {}) {
      state.faults.push({ remaining: count, status, ...fault });
    },
    delayNext(count, ms, fault = {}) {
      state.faults.push({ remaining: count, delayMs: ms, ...fault });
    },
    webhookBody: (spec) => buildWebhookBody(state, spec),
    deliverWebhook: (target, payload, deliver) => deliverWebhook(state, target, payload, deliver),
    reset() {
      state.requests.length = 0;
      state.unexpected.length = 0;
      state.faults.length = 0;
    },
    async close() {
      closing.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function copy<T>(value: T | undefined): T | undefined {
  return value === undefined ? undefined : structuredClone(value);
}
