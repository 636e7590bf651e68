import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createExporterModel, type ExporterModel } from './exporter-model.ts';

export type { RequestRates } from './exporter-model.ts';

/** A running metrics exporter whose values tests (and the sandbox) set. */
export interface TestExporter extends Omit<ExporterModel, 'render'> {
  /** Base URL, e.g. http://127.0.0.1:41234 (metrics at /metrics). */
  url: string;
  /** host:port, as a Prometheus scrape target. */
  target: string;
  /** How many times /metrics has been served. */
  scrapes(): number;
  close(): Promise<void>;
}

export interface TestExporterOptions {
  port?: number;
  /** Milliseconds clock; counters advance with it. Default Date.now. */
  now?: () => number;
  buckets?: number[];
}

/** Starts the exporter on 127.0.0.1 (port 0 unless given). */
export async function startTestExporter(options: TestExporterOptions = {}): Promise<TestExporter> {
  const model = createExporterModel({
    ...(options.now ? { now: options.now } : {}),
    ...(options.buckets ? { buckets: options.buckets } : {}),
  });
  let scrapes = 0;
  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method !== 'GET' || pathname !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics here\n');
      return;
    }
    scrapes += 1;
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(model.render());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    target: `127.0.0.1:${port}`,
    setRate: (service, rates) => model.setRate(service, rates),
    setLatency: (service, p95) => model.setLatency(service, p95),
    setGauge: (name, labels, value) => model.setGauge(name, labels, value),
    scrapes: () => scrapes,
    close: () =>
      new Promise<void>((resolve) => {
        // Prometheus keeps its scrape connection open; drop it or close() waits forever.
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
