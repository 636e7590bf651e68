import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../scripts/observability.ts';
import { createPrometheusClient } from '../../../src/adapters/prometheus/create-prometheus-client.ts';
import { PrometheusError } from '../../../src/adapters/prometheus/prometheus-error.ts';
import { createLogger } from '../../../src/telemetry/logger.ts';

type Reply = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;
interface Seen {
  method: string;
  url: string;
  contentType: string | undefined;
  body: string;
}

// A Prometheus stand-in for answers the real one cannot be made to give; unexpected
// requests get 500 and are listed so the test fails on them.
async function emulator(routes: Record<string, Reply>) {
  const seen: Seen[] = [];
  const unexpected: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      const key = `${req.method} ${new URL(req.url ?? '/', 'http://x').pathname}`;
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        contentType: req.headers['content-type'],
        body,
      });
      const reply = routes[key];
      if (reply) return reply(req, body, res);
      unexpected.push(key);
      res.writeHead(500).end('unexpected request');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { url, seen, unexpected, close };
}

const log = createLogger({ level: 'silent' });
const json =
  (status: number, body: unknown): Reply =>
  (_req, _body, res) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

let stop: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(stop.map((fn) => fn()));
  stop = [];
});

async function clientFor(routes: Record<string, Reply>, timeoutMs = 2_000) {
  const emu = await emulator(routes);
  stop.push(emu.close);
  return { emu, client: createPrometheusClient({ url: `${emu.url}/`, timeoutMs, log }) };
}

async function failure(promise: Promise<unknown>): Promise<PrometheusError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PrometheusError);
  return error as PrometheusError;
}

describe('adapters/prometheus/create-prometheus-client (errors)', () => {
  it('POSTs the query form-encoded with time and a server-side timeout', async () => {
    const { emu, client } = await clientFor({
      'POST /api/v1/query': json(200, {
        status: 'success',
        data: { resultType: 'scalar', result: [1, '2'] },
      }),
    });
    const result = await client.query('sum(up)', { time: new Date(1_700_000_000_500) });
    expect(result).toEqual({ type: 'scalar', time: 1, value: 2 });
    const form = new URLSearchParams(emu.seen[0]?.body);
    expect(emu.seen[0]?.contentType).toBe('application/x-www-form-urlencoded');
    expect(form.get('query')).toBe('sum(up)');
    expect(form.get('time')).toBe('1700000000.500');
    expect(form.get('timeout')).toBe('1800ms');
    expect(emu.unexpected).toEqual([]);
  });

  it('reports Prometheus errorType and error from a 4xx/5xx answer', async () => {
    const { client } = await clientFor({
      'POST /api/v1/query': json(422, {
        status: 'error',
        errorType: 'execution',
        error: 'too many samples',
      }),
    });
    const error = await failure(client.query('up'));
    expect(error).toMatchObject({ kind: 'http', status: 422, errorType: 'execution' });
    expect(error.message).toBe(
      'Prometheus rejected the query "up" (HTTP 422, execution): too many samples',
    );
  });

  it('reports a non-JSON error page with its status and text', async () => {
    const { client } = await clientFor({
      'POST /api/v1/query': (_q, _b, res) =>
        res.writeHead(503).end('Service Unavailable: overloaded'),
    });
    const error = await failure(client.query('up'));
    expect(error).toMatchObject({ kind: 'http', status: 503, errorType: undefined });
    expect(error.message).toContain('HTTP 503');
    expect(error.message).toContain('overloaded');
  });

  it('reports a 200 answer that is not JSON as bad_response', async () => {
    const { client } = await clientFor({
      'POST /api/v1/query': (_q, _b, res) => res.writeHead(200).end('<html>login page</html>'),
    });
    const error = await failure(client.query('up'));
    expect(error.kind).toBe('bad_response');
    expect(error.message).toContain('not its JSON API');
    expect(error.message).toContain('<html>login page');
  });

  it('reports JSON of the wrong shape with the path that is wrong', async () => {
    const { client } = await clientFor({
      'POST /api/v1/query': json(200, {
        status: 'success',
        data: { resultType: 'vector', result: [{ metric: {}, value: [1, 'many'] }] },
      }),
    });
    const error = await failure(client.query('up'));
    expect(error.kind).toBe('bad_response');
    expect(error.message).toContain('at data.result.0.value.1');
  });

  it('times out on a server that never answers', async () => {
    const { client } = await clientFor({ 'POST /api/v1/query': () => {} }, 200);
    const error = await failure(client.query('up'));
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('within 200 ms');
  });

  it('reports a closed port as unreachable, naming the URL', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const client = createPrometheusClient({ url, timeoutMs: 2_000, log });
    const error = await failure(client.query('up'));
    expect(error.kind).toBe('unreachable');
    expect(error.message).toContain(url);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('refuses a range query answered with something other than a matrix', async () => {
    const { client } = await clientFor({
      'POST /api/v1/query_range': json(200, {
        status: 'success',
        data: { resultType: 'scalar', result: [1, '1'] },
      }),
    });
    const range = { start: new Date(0), end: new Date(60_000), step: 15 };
    expect((await failure(client.queryRange('1', range))).kind).toBe('bad_response');
  });

  it('builds graph links on the public URL with the expression encoded', () => {
    const client = createPrometheusClient({
      url: 'http://prometheus:9090/',
      publicUrl: 'https://prom.example.com/',
      timeoutMs: 1_000,
      log,
    });
    const link = new URL(client.graphUrl('sum(rate(http_requests_total{code="500"}[5m])) > 1'));
    expect(link.origin + link.pathname).toBe('https://prom.example.com/graph');
    expect(link.searchParams.get('g0.expr')).toBe(
      'sum(rate(http_requests_total{code="500"}[5m])) > 1',
    );
    expect(link.searchParams.get('g0.tab')).toBe('0');
    expect(link.searchParams.get('g0.range_input')).toBe('1h');
  });
});
