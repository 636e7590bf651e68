import type { AlertmanagerClient } from '../../adapters/alertmanager/create-alertmanager-client.ts';
import type { PagerDuty } from '../../adapters/pagerduty/client.ts';
import type { PrometheusClient } from '../../adapters/prometheus/create-prometheus-client.ts';
import type { LoadedConfig } from '../../config/load-config.ts';
import type { DeployLog } from '../../deploys/deploy-log.ts';
import type { LiveImage } from '../../deploys/live-image.ts';
import type { BookOptions } from '../../domain/triage/incident-book.ts';
import type { Ledger } from '../../evidence/ledger/create-ledger.ts';
import type { WebhookConsumer } from '../../http/webhooks/consumer.ts';
import type { RunEngine } from '../../runs/types.ts';
import type { Db } from '../../store/db.ts';
import type { Logger } from '../../telemetry/logger.ts';
import type { Metrics } from '../../telemetry/metrics.ts';
import type { TriageMetrics } from '../../telemetry/triage-metrics.ts';
import { assembleTriage } from '../../triage/assemble-triage.ts';
import type { IncidentStore } from '../../triage/incident-store.ts';
import type { TriageService } from '../../triage/triage-service.ts';
import type { CommandHandler } from '../commands/types.ts';
import { createDisplayNames } from '../display-names.ts';
import type { ActionHandler } from '../listeners/action-listener.ts';
import type { SlackWebClient } from '../web-client.ts';
import { createTriageActionHandlers } from './triage-action-handlers.ts';
import { createTriageCommand } from './triage-command.ts';
import { createTriagePoster, type FirstPostClaims, type TriagePoster } from './triage-poster.ts';

export interface TriageOptions {
  db: Db;
  ledger: Pick<Ledger, 'append'>;
  config: Pick<LoadedConfig, 'catalog' | 'playbooks'>;
  /**
   * The run engine: Run asks it for a `triage` run (it enforces policy), the message asks it
   * whether a suggestion needs approval, Dismiss whether the clicker may silence the page;
   * its active runs tell a change made outside mc from one a run is making.
   */
  engine: Pick<RunEngine, 'request' | 'requirements' | 'permits'> &
    Partial<Pick<RunEngine, 'active'>>;
  /** Build it with `rejectRateLimitedCalls: true`: the poster honours Retry-After itself. */
  slackClient: SlackWebClient;
  log: Logger;
  metrics: Pick<Metrics, 'triage'>;
  /** ALERTMANAGER_URL's client; absent: `/mc triage` says Alertmanager is not configured. */
  alertmanager?: Pick<AlertmanagerClient, 'alerts' | 'url'> | undefined;
  /** PAGERDUTY_TOKEN's client; absent: no PagerDuty reads or acks. */
  pagerduty?: Pick<PagerDuty, 'listOpenIncidents' | 'getIncident' | 'acknowledge'> | undefined;
  /** Changes join incidents as signals when given. */
  deployLog?: Pick<DeployLog, 'recentDeploys' | 'lastDeploy' | 'recordDeploy'> | undefined;
  /** With it (and the engine's active runs), images changed outside mc are recorded first. */
  liveImage?: LiveImage | undefined;
  /** Acknowledge the linked PagerDuty incidents on Run and Dismiss. Default true. */
  ackPagerDutyOnClick?: boolean;
  /** Least time between two triage calls in one Slack channel. Default 1000 ms. */
  minPostIntervalMs?: number;
  /** With several bots on one database: who posts an incident's first message (a lease). */
  claims?: FirstPostClaims;
  /** Between re-measurements of open incidents' conditions. Default 60 s. */
  recheckMs?: number;
  /** PROMETHEUS_URL's client: playbooks' `confirm` conditions are measured with it. Absent:
   * every condition shows as unverified. */
  prometheus?: Pick<PrometheusClient, 'query'> | undefined;
  clock?: () => Date;
  book?: BookOptions;
}

/** Auto-triage with its Slack side: what features/triage-feature.ts mounts and starts/stops. */
export interface Triage {
  store: IncidentStore;
  service: TriageService;
  poster: TriagePoster;
  metrics: TriageMetrics;
  /** Hand it to createInboxWorker({ consumer }). */
  consumer: WebhookConsumer;
  /** `/mc triage`. */
  commandHandlers: { triage: CommandHandler };
  /** triage.run, triage.dry_run, triage.others, triage.dismiss. */
  actionHandlers: Record<string, ActionHandler>;
  /** Republishes messages left behind by a stop or a crash. */
  start(): Promise<void>;
  /** Waits (bounded) for ingests and Slack calls in hand, then drops the rest (kept in the DB). */
  stop(timeoutMs?: number): Promise<void>;
}

/** Builds the triage capability with its Slack poster, and the Slack command and buttons. */
export function createTriage(options: TriageOptions): Triage {
  const { log, config } = options;
  const clock = options.clock ?? (() => new Date());
  const core = assembleTriage({
    ...options,
    displayName: createDisplayNames(options.slackClient),
    clock,
    publisher: (parts) =>
      createTriagePoster({
        client: options.slackClient,
        store: parts.store,
        catalog: config.catalog,
        needsApproval: (input) =>
          (options.engine.requirements({ verb: 'triage', ...input })?.approvals.count ?? 1) > 0,
        log,
        metrics: parts.metrics,
        ...(options.minPostIntervalMs !== undefined
          ? { minIntervalMs: options.minPostIntervalMs }
          : {}),
        ...(options.claims ? { claims: options.claims } : {}),
      }),
  });
  const { store, metrics, service, consumer, publisher: poster } = core;
  let timer: NodeJS.Timeout | undefined;
  const triage = createTriageCommand({
    gather: {
      alertmanager: options.alertmanager,
      pagerduty: options.pagerduty,
      catalog: config.catalog,
    },
    service,
    poster,
  });
  const actionHandlers = createTriageActionHandlers({
    store,
    service,
    engine: options.engine,
    poster,
    ledger: options.ledger,
    pagerduty: options.pagerduty,
    ...(options.ackPagerDutyOnClick !== undefined
      ? { ackPagerDuty: options.ackPagerDutyOnClick }
      : {}),
    clock,
  });
  return {
    store,
    service,
    poster,
    metrics,
    consumer,
    commandHandlers: { triage },
    actionHandlers,
    async start() {
      await service.recover();
      timer ??= setInterval(() => {
        service.recheck().catch((error) => log.error({ err: error }, 'triage: recheck failed'));
      }, options.recheckMs ?? 60_000);
      timer.unref();
    },
    async stop(timeoutMs = 10_000) {
      if (timer) clearInterval(timer);
      timer = undefined;
      await service.idle();
      await poster.idle(timeoutMs);
      poster.close();
    },
  };
}
