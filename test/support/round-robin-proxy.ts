import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the proxy passed on: which upstream (by index) answered it, and how. */
export interface ProxiedRequest {
  method: string;
  path: string;
  upstream: number;
  status: number;
}

export interface RoundRobinProxy {
  /** Base URL that Slack and the webhook senders use instead of any one replica. */
  url: string;
  /** Every request answered, in the order the answers came. */
  readonly served: ProxiedRequest[];
  close(): Promise<void>;
}

/**
 * A small reverse proxy (node:http) that hands each request to the next upstream in turn, as
 * a Kubernetes Service or a load balancer spreads Slack's deliveries over replicas. An upstream
 * that refuses the connection (a killed replica) is skipped for the rest of the run and the
 * request goes to the next one, as a readiness probe would take it out of rotation. A request
 * whose upstream dies after accepting it gets a 502, which is what Slack would then see.
 */
export async function startRoundRobinProxy(upstreams: () => string[]): Promise<RoundRobinProxy> {
  const served: ProxiedRequest[] = [];
  const dead = new Set<number>();
  let next = 0;

  function pick(): number | undefined {
    const count = upstreams().length;
    for (let tried = 0; tried < count; tried += 1) {
      const index = next % count;
      next += 1;
      if (!dead.has(index)) return index;
    }
    return undefined;
  }

  function forward(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): void {
    const index = pick();
    if (index === undefined) {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('no live upstream');
      return;
    }
    const target = new URL(upstreams()[index] ?? '');
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        // A fresh connection each time: a killed replica refuses it instead of resetting a kept one.
        agent: false,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const status = answer.statusCode ?? 0;
          served.push({ method: req.method ?? '', path: req.url ?? '', upstream: index, status });
          res.writeHead(status, answer.headers);
          res.end(Buffer.concat(chunks));
        });
      },
    );
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') {
        dead.add(index);
        forward(req, body, res);
        return;
      }
      if (res.headersSent) return;
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
    upstream.end(body);
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => forward(req, Buffer.concat(chunks), res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    served,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
