import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Daemon, findBinary, launchAlertmanager } from '../../scripts/observability.ts';
import {
  type AlertmanagerClient,
  createAlertmanagerClient,
} from '../../src/adapters/alertmanager/create-alertmanager-client.ts';
import { createLogger } from '../../src/telemetry/logger.ts';

export interface AlertmanagerOptions {
  /** Default: `prometheus-alertmanager` from PATH. */
  binary?: string;
  webhookUrl: string;
  /** Sent as `Authorization: Bearer <token>` on every notification. */
  webhookToken?: string;
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
}

/** A real Alertmanager (no clustering) for one test file. */
export interface TestAlertmanager extends Daemon {
  client: AlertmanagerClient;
}

/** Starts Alertmanager with one webhook receiver and resolves once /-/ready answers. */
export async function startAlertmanager(options: AlertmanagerOptions): Promise<TestAlertmanager> {
  const binary = options.binary ?? findBinary('prometheus-alertmanager');
  if (!binary) {
    throw new Error(
      'prometheus-alertmanager not found on PATH: apt-get install -y prometheus-alertmanager',
    );
  }
  const daemon = await launchAlertmanager({ ...options, binary });
  const client = createAlertmanagerClient({
    url: daemon.url,
    timeoutMs: 5_000,
    log: createLogger({ level: 'silent' }),
  });
  return { ...daemon, client };
}

/** One request the webhook receiver got. */
export interface Delivery {
  receivedAt: number;
  method: string;
  path: string;
  authorization: string | undefined;
  body: string;
}

/** A node:http server standing in for the bot's /webhooks/alertmanager. */
export interface WebhookReceiver {
  url: string;
  deliveries: Delivery[];
  /** The first delivery (already received or coming) that matches, within `timeoutMs`. */
  waitFor(match: (delivery: Delivery) => boolean, timeoutMs: number): Promise<Delivery>;
  close(): Promise<void>;
}

/** Starts the receiver on 127.0.0.1, port 0; every request gets 200. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const deliveries: Delivery[] = [];
  const waiters = new Set<() => void>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      deliveries.push({
        receivedAt: Date.now(),
        method: req.method ?? '',
        path: req.url ?? '',
        authorization: req.headers.authorization,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(200).end();
      for (const wake of waiters) wake();
    });
  });
  // Alertmanager keeps idle connections longer than Node's 5 s default and sees EOF otherwise.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/webhooks/alertmanager`,
    deliveries,
    waitFor(match, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = deliveries.find(match);
          if (!found) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `no matching webhook delivery within ${timeoutMs} ms; got ${deliveries.length}: ` +
                deliveries.map((d) => d.body.slice(0, 300)).join('\n'),
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
