import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAlertmanagerClient } from '../../../src/adapters/alertmanager/create-alertmanager-client.ts';
import { createLogger } from '../../../src/telemetry/logger.ts';

/** An Alertmanager API v2 alert as GET /api/v2/alerts returns it. */
export function apiAlert(
  name: string,
  fingerprint: string,
  labels: Record<string, string>,
  startsAt: string,
) {
  return {
    labels: { alertname: name, severity: 'critical', ...labels },
    annotations: { summary: `${name} firing` },
    startsAt,
    endsAt: new Date(Date.now() + 4 * 60_000).toISOString(),
    updatedAt: startsAt,
    fingerprint,
    generatorURL: `http://prometheus:9090/graph?g0.expr=${name}`,
    receivers: [{ name: 'mc' }],
    status: { state: 'active', silencedBy: [], inhibitedBy: [] },
  };
}

/**
 * GET /api/v2/alerts over real HTTP, answering what a test set (`alerts`) and recording each
 * query string; anything else is a 404. Filters are recorded, not applied: tests assert them.
 */
export async function startFakeAlertmanager() {
  const queries: URLSearchParams[] = [];
  const state = { alerts: [] as unknown[], fail: false };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method !== 'GET' || url.pathname !== '/api/v2/alerts') {
      res.writeHead(404).end();
      return;
    }
    queries.push(url.searchParams);
    if (state.fail) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('boom');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(state.alerts));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = createAlertmanagerClient({
    url,
    timeoutMs: 2_000,
    log: createLogger({ level: 'silent' }),
  });
  return {
    url,
    client,
    queries,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
