/**
 * A bot process cut down to the webhook intake, for crash tests: serves the routes over PGlite
 * in the data dir given as argv[2], prints `{"port":N}`, and runs a worker whose consumer
 * prints `{"consuming":"<inbox id>"}` and then hangs, so the test can SIGKILL it mid-processing.
 */
import type { AddressInfo } from 'node:net';
import { createWebhookRoutes } from '../../../src/http/webhooks/create-webhook-routes.ts';
import { createInboxWorker } from '../../../src/http/webhooks/inbox-worker.ts';
import { createFrontServer } from '../../../src/slack/http-front.ts';
import { createInbox } from '../../../src/store/inbox.ts';
import { loadMigrations, runMigrations } from '../../../src/store/migrate.ts';
import { openPgliteDb } from '../../../src/store/pglite-db.ts';
import { createLogger } from '../../../src/telemetry/logger.ts';
import { createMetrics } from '../../../src/telemetry/metrics.ts';

const [dataDir, token] = process.argv.slice(2);
if (!dataDir || !token) throw new Error('usage: crash-child.ts DATA_DIR TOKEN');
const log = createLogger({ level: 'warn', destination: process.stderr });
const metrics = createMetrics({ defaultMetrics: false });
const db = await openPgliteDb({ dataDir, log });
await runMigrations(db, {
  log,
  migrations: loadMigrations().filter((m) =>
    ['webhook_inbox', 'webhook_event_id'].includes(m.name),
  ),
});
const inbox = createInbox(db);
const hang = async (meta: { inboxId: string }) => {
  process.stdout.write(`${JSON.stringify({ consuming: meta.inboxId })}\n`);
  await new Promise(() => {});
};
const worker = createInboxWorker({
  inbox,
  consumer: { alertmanager: (_w, meta) => hang(meta), pagerduty: (_e, meta) => hang(meta) },
  log,
  metrics,
  pollIntervalMs: 50,
});
const routes = createWebhookRoutes({
  inbox,
  worker,
  alertmanagerToken: token,
  pagerdutySecrets: [],
  log,
  metrics,
});
const server = createFrontServer({ slackPath: '/slack/events', routes, metrics, log });
server.listen(0, '127.0.0.1', () => {
  worker.start();
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
