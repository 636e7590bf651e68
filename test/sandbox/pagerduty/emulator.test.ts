import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type PagerDutyEmulator,
  startPagerDutyEmulator,
} from '../../../src/sandbox/pagerduty/emulator.ts';

const ACCEPT = 'application/vnd.pagerduty+json;version=2';

/** The union of the response bodies these tests read; each endpoint fills its own part. */
interface Answer {
  error: { message: string; code: number; errors?: string[] };
  incident: { status: string };
  incidents: Array<{ title: string }>;
  note: Record<string, unknown>;
  notes: Array<{ content: string }>;
  service: { name: string };
  user: { email: string };
  limit: number;
  offset: number;
  more: boolean;
  total: number | null;
}

describe('src/sandbox/pagerduty/emulator', () => {
  let emulator: PagerDutyEmulator;
  let serviceId: string;

  beforeEach(async () => {
    emulator = await startPagerDutyEmulator({
      token: 'u+test-token',
      users: [{ name: 'On Call', email: 'oncall@example.com' }],
    });
    serviceId = emulator.seedService({ name: 'checkout (prod)' }).id;
  });

  afterEach(async () => {
    await emulator.close();
  });

  async function call(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ) {
    const response = await fetch(`${emulator.url}${path}`, {
      method,
      headers: {
        authorization: 'Token token=u+test-token',
        accept: ACCEPT,
        'content-type': 'application/json',
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Answer,
    };
  }

  it('listens on 127.0.0.1 on an ephemeral port', () => {
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.url).not.toMatch(/:0$/);
  });

  it('refuses a missing or wrong token with PagerDuty 401 body', async () => {
    for (const authorization of ['', 'Token token=nope', 'u+test-token']) {
      const res = await call('GET', '/incidents', { headers: { authorization } });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: { message: 'Authentication failed', code: 2006 } });
    }
  });

  it('requires the versioned Accept header and flags its absence as unexpected', async () => {
    const res = await call('GET', '/incidents', { headers: { accept: 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(2001);
    expect(emulator.unexpected).toHaveLength(1);
  });

  it('requires a From header naming a user on writes', async () => {
    const { id } = emulator.seedIncident({ title: 'x', serviceId });
    const body = { incident: { type: 'incident_reference', status: 'acknowledged' } };
    const missing = await call('PUT', `/incidents/${id}`, { body });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 2016 });
    expect(missing.body.error.message).toContain('"From" header');
    const malformed = await call('PUT', `/incidents/${id}`, { body, headers: { from: 'On Call' } });
    expect(malformed.body.error.code).toBe(1028);
    const stranger = await call('PUT', `/incidents/${id}`, {
      body,
      headers: { from: 'who@example.com' },
    });
    expect(stranger.body.error).toEqual({ message: 'Requester User Not Found', code: 1008 });
    expect(emulator.incident(id)?.status).toBe('triggered');
    const ok = await call('PUT', `/incidents/${id}`, {
      body,
      headers: { from: 'oncall@example.com' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.incident.status).toBe('acknowledged');
  });

  it('paginates with limit, offset and more, capping limit at 100', async () => {
    for (let i = 0; i < 5; i += 1) emulator.seedIncident({ title: `t${i}`, serviceId });
    const first = await call('GET', '/incidents?limit=2&total=true');
    expect(first.body).toMatchObject({ limit: 2, offset: 0, more: true, total: 5 });
    expect(first.body.incidents.map((i: { title: string }) => i.title)).toEqual(['t0', 't1']);
    const last = await call('GET', '/incidents?limit=2&offset=4');
    expect(last.body).toMatchObject({ limit: 2, offset: 4, more: false, total: null });
    expect(last.body.incidents).toHaveLength(1);
    const capped = await call('GET', '/incidents?limit=500');
    expect(capped.body.limit).toBe(100);
    const bad = await call('GET', '/incidents?limit=abc');
    expect(bad.status).toBe(400);
  });

  it('filters by statuses[], service_ids[], urgencies[] and the default one-month window', async () => {
    const other = emulator.seedService({ name: 'search' }).id;
    emulator.seedIncident({ title: 'a', serviceId, status: 'acknowledged' });
    emulator.seedIncident({ title: 'b', serviceId, status: 'resolved' });
    emulator.seedIncident({ title: 'c', serviceId: other, urgency: 'low' });
    const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
    emulator.seedIncident({ title: 'd', serviceId, createdAt: old });
    const titles = async (query: string) =>
      (await call('GET', `/incidents?${query}`)).body.incidents.map(
        (i: { title: string }) => i.title,
      );
    expect(await titles('statuses[]=triggered&statuses[]=acknowledged')).toEqual(['a', 'c']);
    expect(await titles(`service_ids[]=${other}`)).toEqual(['c']);
    expect(await titles('urgencies[]=low')).toEqual(['c']);
    expect(await titles('date_range=all&statuses[]=triggered')).toEqual(['c', 'd']);
    const bad = await call('GET', '/incidents?statuses[]=open');
    expect(bad.status).toBe(400);
  });

  it('acknowledges and resolves in bulk, refusing a resolved incident', async () => {
    const a = emulator.seedIncident({ title: 'a', serviceId });
    const b = emulator.seedIncident({ title: 'b', serviceId });
    const from = { from: 'oncall@example.com' };
    const res = await call('PUT', '/incidents', {
      headers: from,
      body: {
        incidents: [
          { id: a.id, type: 'incident_reference', status: 'resolved' },
          { id: b.id, type: 'incident_reference', status: 'acknowledged' },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(emulator.incidents().map((i) => i.status)).toEqual(['resolved', 'acknowledged']);
    const again = await call('PUT', `/incidents/${a.id}`, {
      headers: from,
      body: { incident: { type: 'incident_reference', status: 'acknowledged' } },
    });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe(1001);
    const triggered = await call('PUT', `/incidents/${b.id}`, {
      headers: from,
      body: { incident: { type: 'incident_reference', status: 'triggered' } },
    });
    expect(triggered.body.error.code).toBe(1003);
  });

  it('records notes and lists them', async () => {
    const { id } = emulator.seedIncident({ title: 'x', serviceId });
    const headers = { from: 'oncall@example.com' };
    const created = await call('POST', `/incidents/${id}/notes`, {
      headers,
      body: { note: { content: 'rolled back' } },
    });
    expect(created.status).toBe(201);
    expect(created.body.note).toMatchObject({
      content: 'rolled back',
      user: { summary: 'On Call' },
    });
    const empty = await call('POST', `/incidents/${id}/notes`, { headers, body: { note: {} } });
    expect(empty.status).toBe(400);
    const listed = await call('GET', `/incidents/${id}/notes`);
    expect(listed.body.notes.map((n: { content: string }) => n.content)).toEqual(['rolled back']);
  });

  it('answers services, users/me and 404 for unknown ids', async () => {
    expect((await call('GET', `/services/${serviceId}`)).body.service.name).toBe('checkout (prod)');
    expect((await call('GET', '/users/me')).body.user.email).toBe('oncall@example.com');
    const missing = await call('GET', '/incidents/PNOPE00');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: { message: 'Not Found', code: 2100 } });
    expect(emulator.unexpected).toEqual([]);
  });

  it('records unknown paths as unexpected', async () => {
    const res = await call('GET', '/schedules');
    expect(res.status).toBe(404);
    expect(emulator.unexpected.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /schedules']);
  });

  it('injects failures for the next matching requests only', async () => {
    const { id } = emulator.seedIncident({ title: 'x', serviceId });
    emulator.failNext(2, 429, { retryAfterSeconds: 7, match: /^GET \/incidents\// });
    const listed = await call('GET', '/incidents');
    expect(listed.status).toBe(200);
    const limited = await call('GET', `/incidents/${id}`);
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error: { message: 'Rate Limit Exceeded', code: 2020 } });
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.headers.get('ratelimit-reset')).toBe('7');
    expect((await call('GET', `/incidents/${id}`)).status).toBe(429);
    expect((await call('GET', `/incidents/${id}`)).status).toBe(200);
    expect(emulator.requests.map((r) => r.status)).toEqual([200, 429, 429, 200]);
  });
});
