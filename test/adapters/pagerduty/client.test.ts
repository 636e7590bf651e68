import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createPagerDutyClient,
  type PagerDutyClientOptions,
} from '../../../src/adapters/pagerduty/client.ts';
import { PagerDutyError } from '../../../src/adapters/pagerduty/errors.ts';
import {
  type PagerDutyEmulator,
  startPagerDutyEmulator,
} from '../../../src/sandbox/pagerduty/emulator.ts';
import { createLogger } from '../../../src/telemetry/logger.ts';

const FROM = 'oncall@example.com';

describe('src/adapters/pagerduty/client', () => {
  let emulator: PagerDutyEmulator;
  let logLines: string[];
  let checkout: string;
  let search: string;

  beforeEach(async () => {
    emulator = await startPagerDutyEmulator({
      users: [
        { name: 'On Call', email: FROM },
        { name: 'Alice Nguyen', email: 'alice@example.com' },
      ],
    });
    checkout = emulator.seedService({ name: 'checkout (prod)' }).id;
    search = emulator.seedService({ name: 'search (prod)' }).id;
    logLines = [];
  });

  afterEach(async () => {
    await emulator.close();
  });

  function client(overrides: Partial<PagerDutyClientOptions> = {}) {
    return createPagerDutyClient({
      token: emulator.token,
      apiUrl: emulator.url,
      from: FROM,
      log: createLogger({ level: 'warn', destination: { write: (line) => logLines.push(line) } }),
      timeoutMs: 2_000,
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
      rateLimitRetryMs: 10,
      ...overrides,
    });
  }

  it('lists every open incident across pages, with filters, through pdjs', async () => {
    const open = Array.from({ length: 7 }, (_, i) =>
      emulator.seedIncident({
        title: `KubePodCrashLooping ${i}`,
        serviceId: checkout,
        status: i % 2 === 0 ? 'triggered' : 'acknowledged',
      }),
    );
    emulator.seedIncident({ title: 'old news', serviceId: checkout, status: 'resolved' });
    emulator.seedIncident({ title: 'search is slow', serviceId: search, urgency: 'low' });
    // Opened six weeks ago: outside PagerDuty's default one-month window, still open.
    const stale = emulator.seedIncident({
      title: 'disk filling slowly',
      serviceId: checkout,
      createdAt: new Date(Date.now() - 42 * 86_400_000).toISOString(),
    });

    const incidents = await client({ pageSize: 3 }).listOpenIncidents({ serviceIds: [checkout] });

    expect(incidents.map((i) => i.id)).toEqual([...open.map((i) => i.id), stale.id]);
    expect(incidents.every((i) => i.status !== 'resolved')).toBe(true);
    const pages = emulator.requests.filter((r) => r.path === '/incidents');
    expect(pages.map((r) => r.query.offset)).toEqual([['0'], ['3'], ['6']]);
    expect(pages[0]?.query['statuses[]']).toEqual(['triggered', 'acknowledged']);
    expect(pages[0]?.query['service_ids[]']).toEqual([checkout]);
    expect(pages[0]?.headers.authorization).toBe(`Token token=${emulator.token}`);
    expect(pages[0]?.headers.accept).toBe('application/vnd.pagerduty+json;version=2');
    expect(emulator.unexpected).toEqual([]);
  });

  it('filters by urgency', async () => {
    emulator.seedIncident({ title: 'high', serviceId: checkout, urgency: 'high' });
    const low = emulator.seedIncident({ title: 'low', serviceId: search, urgency: 'low' });
    const incidents = await client().listOpenIncidents({ urgencies: ['low'] });
    expect(incidents.map((i) => i.id)).toEqual([low.id]);
  });

  it('stops at the page bound and says the list is incomplete', async () => {
    for (let i = 0; i < 5; i += 1) emulator.seedIncident({ title: `t${i}`, serviceId: checkout });
    const incidents = await client({ pageSize: 2, maxPages: 2 }).listOpenIncidents();
    expect(incidents).toHaveLength(4);
    expect(emulator.requests).toHaveLength(2);
    expect(logLines.join('')).toContain('the list is incomplete');
  });

  it('gets an incident and a service with typed fields', async () => {
    const seeded = emulator.seedIncident({
      title: '[FIRING:2] KubePodCrashLooping prod (checkout critical)',
      serviceId: checkout,
      priority: 'P1',
      assignees: ['alice@example.com'],
    });
    const incident = await client().getIncident(seeded.id);
    expect(incident).toMatchObject({
      id: seeded.id,
      incident_number: seeded.incident_number,
      status: 'triggered',
      urgency: 'high',
      service: { id: checkout, summary: 'checkout (prod)' },
      priority: { summary: 'P1' },
    });
    expect(incident.assignments[0]?.assignee.summary).toBe('Alice Nguyen');
    // Unknown fields survive the lenient parse.
    expect((incident as Record<string, unknown>).alert_counts).toEqual(seeded.alert_counts);

    const service = await client().getService(checkout);
    expect(service).toMatchObject({ id: checkout, name: 'checkout (prod)', status: 'active' });
  });

  it('acknowledges and resolves as the user named in From', async () => {
    const { id } = emulator.seedIncident({ title: 'checkout 5xx', serviceId: checkout });
    const pd = client();

    const acked = await pd.acknowledge(id, { from: 'alice@example.com' });
    expect(acked.status).toBe('acknowledged');
    expect(emulator.incident(id)?.acknowledgements[0]?.acknowledger.summary).toBe('Alice Nguyen');
    const put = emulator.requests.at(-1);
    expect(put).toMatchObject({
      method: 'PUT',
      path: `/incidents/${id}`,
      body: { incident: { type: 'incident_reference', status: 'acknowledged' } },
    });
    expect(put?.headers.from).toBe('alice@example.com');

    const resolved = await pd.resolve(id);
    expect(resolved.status).toBe('resolved');
    expect(emulator.incident(id)).toMatchObject({ status: 'resolved', assignments: [] });
    expect(emulator.incident(id)?.last_status_change_by.summary).toBe('On Call');
  });

  it('adds a note that the incident then holds', async () => {
    const { id } = emulator.seedIncident({ title: 'checkout 5xx', serviceId: checkout });
    const note = await client().addNote(id, 'Rolled back v1.4.2 → v1.4.1');
    expect(note.content).toBe('Rolled back v1.4.2 → v1.4.1');
    expect(note.user?.summary).toBe('On Call');
    expect(emulator.notes(id).map((n) => n.content)).toEqual(['Rolled back v1.4.2 → v1.4.1']);
  });

  it('surfaces PagerDuty refusing a write without From', async () => {
    const { id } = emulator.seedIncident({ title: 'x', serviceId: checkout });
    const error = await client({ from: undefined })
      .acknowledge(id)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PagerDutyError);
    expect(error).toMatchObject({ status: 400, code: 2016, kind: 'http' });
    expect((error as Error).message).toContain('"From" header');
    expect(emulator.incident(id)?.status).toBe('triggered');
  });

  it('turns a bad token into a 401 PagerDutyError without retrying', async () => {
    const error = await client({ token: 'wrong' })
      .getIncident('PABC123')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PagerDutyError);
    expect(error).toMatchObject({
      status: 401,
      code: 2006,
      pagerDutyMessage: 'Authentication failed',
    });
    expect((error as Error).message).toContain('PAGERDUTY_TOKEN');
    expect((error as Error).message).not.toContain('wrong');
    expect(emulator.requests).toHaveLength(1);
  });

  it('turns an unknown incident into a 404 PagerDutyError', async () => {
    const error = await client()
      .resolve('PNOPE42')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PagerDutyError);
    expect(error).toMatchObject({
      status: 404,
      code: 2100,
      method: 'PUT',
      path: '/incidents/PNOPE42',
    });
    expect(emulator.requests).toHaveLength(1);
  });

  it('reports an already resolved incident with its PagerDuty code', async () => {
    const { id } = emulator.seedIncident({ title: 'x', serviceId: checkout, status: 'resolved' });
    const error = await client()
      .acknowledge(id)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, code: 1001 });
  });
});
