import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { matchRoute } from '../../src/http/match-route.ts';
import { createOpsRoutes, type ReadinessProbe } from '../../src/http/ops-routes.ts';
import type { HttpRoute } from '../../src/http/route.ts';
import { createFrontServer } from '../../src/slack/http-front.ts';
import { createMetrics } from '../../src/telemetry/metrics.ts';
import { captureLogs } from '../support/slack-logs.ts';

// Socket Mode serves the ops routes from our own table: exercise that path without Slack.
async function serve(readiness: ReadinessProbe, extra: HttpRoute[] = []) {
  const metrics = createMetrics({ defaultMetrics: false });
  const logs = captureLogs();
  const routes = [
    ...createOpsRoutes({ metrics, readiness, log: logs.log, readinessTimeoutMs: 100 }),
    ...extra,
  ];
  const server = createFrontServer({ slackPath: '/slack/events', routes, metrics, log: logs.log });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, url, metrics, logs };
}

describe('http/ops-routes', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  it('reports ready with each check, and 503 with the failing one', async () => {
    let db = 'ok';
    const started = await serve(async () => ({ ready: db === 'ok', checks: { db } }));
    server = started.server;
    const ok = await fetch(`${started.url}/readyz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'ready', checks: { db: 'ok' } });
    db = 'connection refused';
    const down = await fetch(`${started.url}/readyz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({
      status: 'not_ready',
      checks: { db: 'connection refused' },
    });
  });

  it('turns a throwing or hanging probe into 503 with the reason', async () => {
    const throwing = await serve(async () => {
      throw new Error('pool exhausted');
    });
    server = throwing.server;
    const thrown = await fetch(`${throwing.url}/readyz`);
    expect(thrown.status).toBe(503);
    expect(await thrown.json()).toMatchObject({ checks: { readiness: 'failed: pool exhausted' } });
    await new Promise((resolve) => throwing.server.close(resolve));

    const hanging = await serve(() => new Promise(() => {}));
    server = hanging.server;
    const hung = await fetch(`${hanging.url}/readyz`);
    expect(hung.status).toBe(503);
    expect(await hung.json()).toMatchObject({ checks: { readiness: 'timed out after 100 ms' } });
  });

  it('serves healthz, metrics in the Prometheus format, and 404 elsewhere', async () => {
    const started = await serve(async () => ({ ready: true, checks: {} }));
    server = started.server;
    started.metrics.commandsTotal.inc({ verb: 'help', outcome: 'ok' });
    const health = await fetch(`${started.url}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
    const metrics = await fetch(`${started.url}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await metrics.text()).toContain('mc_commands_total{verb="help",outcome="ok"} 1');
    expect((await fetch(`${started.url}/nope`)).status).toBe(404);
    expect((await fetch(`${started.url}/healthz`, { method: 'POST' })).status).toBe(404);
  });

  it('passes path parameters to extra routes', async () => {
    const echo: HttpRoute = {
      path: '/evidence/:id',
      method: 'GET',
      handler: (req, res) => res.end(`evidence ${req.params?.id}`),
    };
    const started = await serve(async () => ({ ready: true, checks: {} }), [echo]);
    server = started.server;
    expect(await (await fetch(`${started.url}/evidence/run%2042`)).text()).toBe('evidence run 42');
  });
});

describe('http/match-route', () => {
  const route = (path: string, method: string | string[] = 'GET'): HttpRoute => ({
    path,
    method,
    handler: () => {},
  });
  const routes = [
    route('/healthz'),
    route('/evidence/:id'),
    route('/evidence/:id/bundle'),
    route('/webhooks/pagerduty', ['post']),
  ];

  it.each([
    ['GET', '/healthz', '/healthz', {}],
    ['GET', '/evidence/abc', '/evidence/:id', { id: 'abc' }],
    ['GET', '/evidence/abc/bundle', '/evidence/:id/bundle', { id: 'abc' }],
    ['POST', '/webhooks/pagerduty', '/webhooks/pagerduty', {}],
  ])('%s %s → %s', (method, path, pattern, params) => {
    expect(matchRoute(routes, method, path)).toMatchObject({ route: { path: pattern }, params });
  });

  it.each([
    ['GET', '/webhooks/pagerduty'],
    ['GET', '/evidence/'],
    ['GET', '/evidence/%E0%A4%A'],
    ['GET', '/healthz/extra'],
  ])('%s %s → no route', (method, path) => {
    expect(matchRoute(routes, method, path)).toBeUndefined();
  });
});
