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

describe('src/adapters/pagerduty/client (failures and retries)', () => {
  let emulator: PagerDutyEmulator;
  let incidentId: string;
  let logLines: string[];

  beforeEach(async () => {
    emulator = await startPagerDutyEmulator();
    const service = emulator.seedService({ name: 'checkout (prod)' });
    incidentId = emulator.seedIncident({ title: 'checkout 5xx', serviceId: service.id }).id;
    logLines = [];
  });

  afterEach(async () => {
    await emulator.close();
  });

  function client(overrides: Partial<PagerDutyClientOptions> = {}) {
    return createPagerDutyClient({
      token: emulator.token,
      apiUrl: emulator.url,
      from: 'oncall@example.com',
      log: createLogger({ level: 'warn', destination: { write: (line) => logLines.push(line) } }),
      timeoutMs: 3_000,
      retry: { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 20 },
      rateLimitRetryMs: 10,
      ...overrides,
    });
  }

  it('gets through a single 429 (pdjs re-sends it itself)', async () => {
    emulator.failNext(1, 429);
    const incident = await client().getIncident(incidentId);
    expect(incident.id).toBe(incidentId);
    expect(emulator.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it('honours Retry-After on a 429 that outlasts pdjs re-sends', async () => {
    // pdjs answers the first three 429s itself; the fourth reaches our retry loop.
    emulator.failNext(4, 429, { retryAfterSeconds: 1 });
    const incident = await client().acknowledge(incidentId);
    expect(incident.status).toBe('acknowledged');
    const statuses = emulator.requests.map((r) => r.status);
    expect(statuses).toEqual([429, 429, 429, 429, 200]);
    const [fourth, fifth] = emulator.requests.slice(3);
    expect(fifth!.at - fourth!.at).toBeGreaterThanOrEqual(990);
    expect(logLines.join('')).toContain('"waitMs":1000');
  });

  it('fails at once when Retry-After asks for longer than allowed', async () => {
    emulator.failNext(4, 429, { retryAfterSeconds: 120 });
    const started = Date.now();
    const error = await client()
      .getIncident(incidentId)
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error).toBeInstanceOf(PagerDutyError);
    expect(error).toMatchObject({ status: 429, code: 2020 });
    expect((error as Error).message).toContain('wait 120 s');
  });

  it('retries a 503 on a read and succeeds', async () => {
    emulator.failNext(1, 503);
    const incident = await client().getIncident(incidentId);
    expect(incident.id).toBe(incidentId);
    expect(emulator.requests.map((r) => r.status)).toEqual([503, 200]);
  });

  it('gives up after the retry bound on repeated 500s', async () => {
    emulator.failNext(10, 500);
    const error = await client()
      .resolve(incidentId)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PagerDutyError);
    expect(error).toMatchObject({ status: 500, code: 2000, kind: 'http' });
    expect(emulator.requests).toHaveLength(3);
    expect(emulator.incident(incidentId)?.status).toBe('triggered');
  });

  it('does not re-send a note after a 500, which could post it twice', async () => {
    emulator.failNext(1, 500);
    const error = await client()
      .addNote(incidentId, 'rolled back')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 500 });
    expect(emulator.requests).toHaveLength(1);
  });

  it('handles a non-JSON 502 from a proxy', async () => {
    emulator.failNext(3, 502, { body: '<html><body>502 Bad Gateway</body></html>' });
    const error = await client()
      .getIncident(incidentId)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PagerDutyError);
    expect(error).toMatchObject({ status: 502, kind: 'http', pagerDutyMessage: 'Bad Gateway' });
    expect(emulator.requests).toHaveLength(3);
  });

  it('times out a stalled request with a PagerDutyError', async () => {
    emulator.delayNext(1, 2_000);
    const started = Date.now();
    const error = await client({ timeoutMs: 150 })
      .getService(emulator.incident(incidentId)!.service.id)
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(error).toBeInstanceOf(PagerDutyError);
    expect(error).toMatchObject({ kind: 'timeout', status: undefined });
    expect((error as Error).message).toContain('no answer within 150 ms');
  });

  it('reports a refused connection as a network error after bounded retries', async () => {
    const url = emulator.url;
    await emulator.close();
    const error = await client({ apiUrl: url })
      .getIncident(incidentId)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PagerDutyError);
    expect(error).toMatchObject({ kind: 'network' });
    expect(logLines.filter((l) => l.includes('retrying'))).toHaveLength(2);
    emulator = await startPagerDutyEmulator();
  });
});
