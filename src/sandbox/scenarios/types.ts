import type { KubeClients } from '../../adapters/kubernetes/create-kube-clients.ts';
import type { Catalog } from '../../config/schema.ts';
import type { DeployLog } from '../../deploys/deploy-log.ts';
import type { KubeEmulator } from '../kubernetes/index.ts';
import type { MetricKnobs } from '../prometheus/cluster-metrics.ts';
import type { EnvSample, SnapshotSource } from '../prometheus/snapshot.ts';
import type { AlertSpec } from './alerts.ts';

/** What a scenario may change: the cluster, the metric knobs, the deploy log. */
export interface ScenarioContext {
  kube: KubeEmulator;
  clients: KubeClients;
  catalog: Catalog;
  knobs: MetricKnobs;
  metrics: SnapshotSource;
  deployLog: DeployLog;
  /** The sandbox user who "deployed" (the release manager). */
  deployer: string;
  /** A line for the scenarios panel. */
  note(text: string): void;
}

/** An incident a scenario raised: the alerts, the page, and when it is over. */
export interface RaisedIncident {
  /** For the panel: `checkout/staging: KubePodCrashLooping`. */
  title: string;
  alerts: AlertSpec[];
  /** Alertmanager route grouping (alertname, service, env...). */
  groupBy: string[];
  /** Also page through PagerDuty (a V3 webhook for an incident on this service). */
  pagerduty?: { serviceId: string };
  /** Checked every second; once true for a few seconds in a row, the alerts resolve. */
  healthy(): boolean;
  /** After the resolved notifications went out (reset knobs). */
  onResolved?(): void;
}

/** One button of the scenarios panel. */
export interface Scenario {
  id: string;
  title: string;
  description: string;
  start(ctx: ScenarioContext): Promise<RaisedIncident[]>;
}

/** The live sample of one service in one environment. */
export function sampleOf(
  ctx: ScenarioContext,
  service: string,
  env: string,
): EnvSample | undefined {
  return ctx.metrics().envs.find((e) => e.service === service && e.env === env);
}
