import type { PrometheusClient } from '../adapters/prometheus/create-prometheus-client.ts';
import type { Catalog } from '../config/schema.ts';
import type { DeployLog } from '../deploys/deploy-log.ts';
import type { LiveImage } from '../deploys/live-image.ts';
import type { Playbook } from '../domain/playbooks/schema.ts';
import type { BookOptions } from '../domain/triage/incident-book.ts';
import type { RunEngine } from '../runs/types.ts';
import type { Db } from '../store/db.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import type { TriageMetrics } from '../telemetry/triage-metrics.ts';
import { createConditionChecker } from './check-conditions.ts';
import { type DisplayName, deployLogSource } from './deploy-source.ts';
import { createChangeDetector } from './detect-changes.ts';
import { createIncidentStore, type IncidentStore } from './incident-store.ts';
import { createTriageConsumer } from './triage-consumer.ts';
import {
  createTriageService,
  type IncidentPublisher,
  type TriageService,
} from './triage-service.ts';

export interface TriageCoreOptions<P extends IncidentPublisher = IncidentPublisher> {
  db: Db;
  config: { catalog: Catalog; playbooks: Playbook[] };
  /** Its active runs tell a change made outside mc from one a run is making. */
  engine: Partial<Pick<RunEngine, 'active'>>;
  log: Logger;
  metrics: Pick<Metrics, 'triage'>;
  /** Changes join incidents as signals when given. */
  deployLog?: Pick<DeployLog, 'recentDeploys' | 'lastDeploy' | 'recordDeploy'> | undefined;
  /** With it (and the engine's active runs), images changed outside mc are recorded first. */
  liveImage?: LiveImage | undefined;
  /** Playbooks' `confirm` conditions are measured with it; absent, they show as unverified. */
  prometheus?: Pick<PrometheusClient, 'query'> | undefined;
  /** Names who made each change (Slack's users.info); absent, notes name the Slack id. */
  displayName?: DisplayName | undefined;
  clock: () => Date;
  book?: BookOptions | undefined;
  /** Where changed incidents go (the Slack poster), built over the store and metrics. */
  publisher(parts: { store: IncidentStore; metrics: TriageMetrics }): P;
}

/** The change log as triage reads it, detecting changes made outside mc when it can. */
function changeSource(
  deployLog: NonNullable<TriageCoreOptions['deployLog']>,
  options: TriageCoreOptions,
) {
  const { liveImage, engine } = options;
  const active = engine.active?.bind(engine);
  const detect =
    liveImage && active
      ? createChangeDetector({
          catalog: options.config.catalog,
          deployLog,
          liveImage,
          active,
          clock: options.clock,
          log: options.log,
        })
      : undefined;
  return deployLogSource(deployLog, {
    ...(detect ? { detect } : {}),
    ...(options.displayName ? { displayName: options.displayName } : {}),
  });
}

/**
 * The triage capability assembled: incident store, metrics, the service (signals → incidents →
 * ranked playbooks, conditions measured) publishing to the given publisher, and the webhook
 * consumer that feeds it.
 */
export function assembleTriage<P extends IncidentPublisher>(options: TriageCoreOptions<P>) {
  const { config, clock, log } = options;
  const store = createIncidentStore(options.db);
  const metrics = options.metrics.triage;
  const publisher = options.publisher({ store, metrics });
  const service: TriageService = createTriageService({
    store,
    catalog: config.catalog,
    playbooks: config.playbooks,
    publisher,
    ...(options.deployLog ? { deploys: changeSource(options.deployLog, options) } : {}),
    metrics,
    clock,
    log,
    ...(options.book ? { book: options.book } : {}),
    checkConditions: createConditionChecker({
      playbooks: config.playbooks,
      prometheus: options.prometheus,
      clock,
    }),
  });
  const consumer = createTriageConsumer({ service, catalog: config.catalog });
  return { store, metrics, service, consumer, publisher };
}
