import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { escapeHtml } from '../console/escape.ts';
import type { createAlertmanagerApi } from './alertmanager-api.ts';
import { evaluateQuery } from './evaluate-query.ts';
import { createHistory } from './history.ts';
import type { SnapshotSource } from './snapshot.ts';

/** An alert as GET /api/v1/alerts lists it (the rule evaluator's view). */
export interface SimulatedAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt: string;
  value: string;
}

export interface SimulatedPrometheusOptions {
  source: SnapshotSource;
  /** The alerts the scenarios hold firing. */
  alerts?: () => SimulatedAlert[];
  /** Alertmanager's API v2 under /alertmanager/api/v2/, over the same alerts. */
  alertmanager?: ReturnType<typeof createAlertmanagerApi>;
  host?: string;
  port?: number;
  /** How often a snapshot is kept for range queries (default 1 s), and for how long (1 h). */
  sampleEveryMs?: number;
  keepMs?: number;
}

export interface SimulatedPrometheus {
  url: string;
  close(): Promise<void>;
}

/**
 * A Prometheus-compatible query endpoint over the sandbox's own series: /api/v1/query,
 * /api/v1/query_range (from snapshots kept every second), /api/v1/alerts, /-/healthy and a
 * /graph page, so the bot's SLO checks, `/mc status` and evidence links work unchanged.
 */
export async function startSimulatedPrometheus(
  options: SimulatedPrometheusOptions,
): Promise<SimulatedPrometheus> {
  const history = createHistory(options.source, options.keepMs ?? 3_600_000);
  const sampler = setInterval(() => history.sample(), options.sampleEveryMs ?? 1_000);
  sampler.unref();
  const server = createServer((req, res) => {
    handle(req, res, options, history).catch((error: unknown) => {
      send(res, 500, { status: 'error', errorType: 'internal', error: String(error) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(sampler);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: SimulatedPrometheusOptions,
  history: ReturnType<typeof createHistory>,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://prometheus');
  if (options.alertmanager?.handles(url.pathname))
    return options.alertmanager.handle(req, res, url);
  const params = new URLSearchParams(url.searchParams);
  if (req.method === 'POST') {
    for (const [k, v] of new URLSearchParams(await readBody(req))) params.set(k, v);
  }
  const query = params.get('query') ?? '';
  switch (url.pathname) {
    case '/api/v1/query': {
      if (!query) return badData(res, 'query is required');
      const time = params.get('time') ? Number(params.get('time')) * 1000 : Date.now();
      if (!Number.isFinite(time)) return badData(res, `invalid parameter "time"`);
      const result = evaluateQuery(query, history.at(time)).map((s) => ({
        metric: s.metric,
        value: [time / 1000, format(s.value)],
      }));
      return send(res, 200, { status: 'success', data: { resultType: 'vector', result } });
    }
    case '/api/v1/query_range':
      return queryRange(res, params, history);
    case '/api/v1/alerts':
      return send(res, 200, { status: 'success', data: { alerts: options.alerts?.() ?? [] } });
    case '/api/v1/status/buildinfo':
      return send(res, 200, { status: 'success', data: { version: '2.42.0-mc-sandbox' } });
    case '/-/healthy':
    case '/-/ready':
      res.writeHead(200, { 'content-type': 'text/plain' });
      return void res.end('Prometheus (mc sandbox) is Healthy.\n');
    case '/graph':
      return graph(res, params.get('g0.expr') ?? '', history);
    default:
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('404 page not found\n');
  }
}

function queryRange(
  res: ServerResponse,
  params: URLSearchParams,
  history: ReturnType<typeof createHistory>,
): void {
  const query = params.get('query') ?? '';
  const start = Number(params.get('start'));
  const end = Number(params.get('end'));
  const step = parseStep(params.get('step') ?? '');
  if (!query) {
    badData(res, 'query is required');
    return;
  }
  if (!Number.isFinite(start) || !Number.isFinite(end) || end < start) {
    badData(res, 'invalid parameter "start"/"end": end timestamp must not be before start time');
    return;
  }
  if (!(step > 0)) {
    badData(
      res,
      'invalid parameter "step": zero or negative query resolution step widths are not accepted',
    );
    return;
  }
  if ((end - start) / step > 11_000) {
    badData(
      res,
      'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
    );
    return;
  }
  const series = new Map<string, { metric: Record<string, string>; values: [number, string][] }>();
  for (let t = start; t <= end + 1e-9; t += step) {
    for (const s of evaluateQuery(query, history.at(t * 1000))) {
      const key = JSON.stringify(s.metric);
      const entry = series.get(key) ?? { metric: s.metric, values: [] };
      entry.values.push([Math.round(t * 1000) / 1000, format(s.value)]);
      series.set(key, entry);
    }
  }
  send(res, 200, {
    status: 'success',
    data: { resultType: 'matrix', result: [...series.values()] },
  });
}

/** `15`, `15s`, `1m`, `1h` → seconds. */
export function parseStep(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) return Number.NaN;
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 }[m[2] ?? 's'] ?? 1;
  return Number(m[1]) * unit;
}

function graph(res: ServerResponse, expr: string, history: ReturnType<typeof createHistory>) {
  const rows = expr
    ? evaluateQuery(expr, history.at(Date.now()))
        .map(
          (s) =>
            `<tr><td><code>${escapeHtml(JSON.stringify(s.metric))}</code></td><td>${escapeHtml(format(s.value))}</td></tr>`,
        )
        .join('')
    : '';
  const body = `<!doctype html><meta charset="utf-8"><title>Prometheus (mc sandbox)</title>
<style>body{font:14px system-ui;margin:2rem}code{background:#f4f4f4;padding:2px 4px}td{padding:4px 12px;border-bottom:1px solid #ddd}</style>
<h1>Simulated Prometheus</h1><p>Expression: <code>${escapeHtml(expr)}</code></p>
<table><tr><th>Series</th><th>Value now</th></tr>${rows || '<tr><td colspan="2">no series</td></tr>'}</table>`;
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(body);
}

/** Prometheus spells numbers as strings, with NaN and ±Inf written out. */
function format(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(Number(value.toPrecision(12)));
}

function badData(res: ServerResponse, error: string): void {
  send(res, 400, { status: 'error', errorType: 'bad_data', error });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
