import { liveImageReader } from '../deploys/live-image.ts';
import { createWebhookRoutes } from '../http/webhooks/create-webhook-routes.ts';
import { createInboxWorker } from '../http/webhooks/inbox-worker.ts';
import { splitSecrets } from '../http/webhooks/pagerduty-route.ts';
import { createTriage } from '../slack/triage/create-triage.ts';
import { createInbox } from '../store/inbox.ts';
import type { BotParts, Feature } from './types.ts';

export interface TriageFeatureOptions {
  /** Idle wait between inbox polls (tests shorten it). Default 1000 ms. */
  inboxPollMs?: number;
  /** Least time between two triage calls in one Slack channel. Default 1000 ms. */
  minPostIntervalMs?: number;
}

/** The parts the triage feature is built from. */
export type TriageNeeds = Pick<
  BotParts,
  | 'alertmanager'
  | 'clock'
  | 'config'
  | 'deployLog'
  | 'engine'
  | 'kube'
  | 'leases'
  | 'ledger'
  | 'log'
  | 'metrics'
  | 'newSlackClient'
  | 'pagerduty'
  | 'prometheus'
  | 'settings'
  | 'store'
>;

/**
 * Auto-triage: POST /webhooks/alertmanager and /webhooks/pagerduty into the durable inbox, the
 * worker that drains it into incidents, one Slack message per incident, `/mc triage` and the
 * Run / Dry run / Other suggestions / Dismiss buttons.
 */
export function triageFeature(options: TriageFeatureOptions = {}): (parts: TriageNeeds) => Feature {
  return (parts) => {
    const env = parts.settings.env;
    const triage = createTriage({
      db: parts.store.db,
      ledger: parts.ledger,
      config: parts.config,
      engine: parts.engine,
      // The poster honours Retry-After itself, per channel.
      slackClient: parts.newSlackClient({ rejectRateLimitedCalls: true }),
      log: parts.log,
      metrics: parts.metrics,
      alertmanager: parts.alertmanager,
      pagerduty: parts.pagerduty,
      prometheus: parts.prometheus,
      deployLog: parts.deployLog,
      liveImage: liveImageReader(parts.config.catalog, parts.kube),
      clock: parts.clock,
      ackPagerDutyOnClick: env.MC_TRIAGE_ACK_PAGERDUTY,
      // Every bot drains the inbox; an incident's first message is posted under a lease.
      claims: parts.leases,
      ...(options.minPostIntervalMs !== undefined
        ? { minPostIntervalMs: options.minPostIntervalMs }
        : {}),
    });
    const inbox = createInbox(parts.store.db);
    const worker = createInboxWorker({
      inbox,
      consumer: triage.consumer,
      log: parts.log,
      metrics: parts.metrics,
      ...(options.inboxPollMs !== undefined ? { pollIntervalMs: options.inboxPollMs } : {}),
    });
    return {
      name: 'triage',
      commandHandlers: triage.commandHandlers,
      actionHandlers: triage.actionHandlers,
      routes: createWebhookRoutes({
        inbox,
        worker,
        log: parts.log,
        metrics: parts.metrics,
        alertmanagerToken: env.ALERTMANAGER_WEBHOOK_TOKEN,
        pagerdutySecrets: splitSecrets(env.PAGERDUTY_WEBHOOK_SECRET),
      }),
      async start() {
        // What a stopped bot left unpublished, and rechecking open incidents, is one bot's work;
        // the inbox itself is drained by every bot, each delivery claimed by one of them.
        parts.leases.job('triage.recover', { run: () => triage.service.recover() });
        parts.leases.job('triage.recheck', {
          everyMs: 60_000,
          run: () => triage.service.recheck(),
        });
        worker.start();
      },
      async stop() {
        await worker.stop();
        await triage.stop();
      },
    };
  };
}
