import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One write the proxy forwarded (what reached the real API), in order. */
export interface ForwardedWrite {
  upstream: string;
  method: string;
  path: string;
  status: number;
}

export interface KillingProxy {
  /** Base URL the process under test talks to instead of `upstream`. */
  url: string;
  close(): Promise<void>;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Plain HTTP proxy in front of an emulator or a real API. While `armed()` is true, the first
 * write (POST/PUT/PATCH/DELETE) is forwarded, its answer received from upstream, and then
 * `kill()` runs before a single byte of that answer goes back: the process under test dies
 * right after the API took the change and before it could save anything.
 */
export async function startKillingProxy(options: {
  upstream: string;
  armed(): boolean;
  kill(): void;
  writes: ForwardedWrite[];
}): Promise<KillingProxy> {
  const upstream = new URL(options.upstream);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const write = WRITES.has(req.method ?? '');
      const headers = { ...req.headers, host: upstream.host };
      const forward = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers,
        },
        (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => body.push(chunk));
          answer.on('end', () => {
            const status = answer.statusCode ?? 0;
            if (write) {
              const path = (req.url ?? '').split('?')[0] ?? '';
              options.writes.push({
                upstream: options.upstream,
                method: req.method ?? '',
                path,
                status,
              });
              if (options.armed()) {
                options.kill();
                req.socket.destroy();
                return;
              }
            }
            res.writeHead(status, answer.headers);
            res.end(Buffer.concat(body));
          });
        },
      );
      forward.on('error', (error) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
      forward.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
