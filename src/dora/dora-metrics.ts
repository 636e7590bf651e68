import type { Queryable } from '../store/db.ts';
import type { MetricFactory } from '../telemetry/metric-factory.ts';
import { computeDora, isDeployment } from './compute-dora.ts';
import { readLiveDoraInput } from './live-source.ts';
import type { DoraInput } from './schema.ts';

/** The metric names the Grafana dashboard may use, and nothing else. */
export const DORA_METRIC_NAMES = [
  'mc_deployments_total',
  'mc_change_failures_total',
  'mc_lead_time_seconds',
  'mc_time_to_restore_seconds',
] as const;

const HOUR = 3600;
const LEAD_BUCKETS = [
  300,
  900,
  1800,
  HOUR,
  2 * HOUR,
  4 * HOUR,
  8 * HOUR,
  24 * HOUR,
  72 * HOUR,
  168 * HOUR,
  336 * HOUR,
  720 * HOUR,
];
const RESTORE_BUCKETS = [
  60,
  300,
  900,
  1800,
  HOUR,
  2 * HOUR,
  4 * HOUR,
  8 * HOUR,
  24 * HOUR,
  72 * HOUR,
];

export interface DoraMetricsOptions {
  db: Queryable;
  clock: () => Date;
  attributionWindowMs: number;
  /** How long one read of the store serves scrapes. Default 10 s. */
  cacheMs?: number;
}

/**
 * Defines the four DORA metrics through `define` (the bot's metric factory). They are read from the change log and the
 * triage incidents when Prometheus scrapes, never counted in memory: every replica reports the
 * same totals, a restart loses nothing, and they match `/mc dora` exactly (graph with max()).
 */
export function registerDoraMetrics(define: MetricFactory, options: DoraMetricsOptions): void {
  const cacheMs = options.cacheMs ?? 10_000;
  let cached: { at: number; input: Promise<DoraInput> } | undefined;
  const read = () => {
    const now = options.clock().getTime();
    if (!cached || now - cached.at >= cacheMs) {
      const input = readLiveDoraInput(options.db, {
        since: new Date(0),
        until: new Date(now),
        attributionWindowMs: options.attributionWindowMs,
      });
      cached = { at: now, input };
      input.catch(() => {
        cached = undefined;
      });
    }
    return cached.input;
  };
  const everything = (input: DoraInput) =>
    computeDora(input, {
      since: new Date(0),
      until: new Date(options.clock().getTime() + 1),
      attributionWindowMs: options.attributionWindowMs,
    });

  define.counter({
    name: 'mc_deployments_total',
    help: 'Deploys in the change log by service, env and outcome (rollbacks and reverts are not deploys).',
    labelNames: ['service', 'env', 'outcome'],
    async collect() {
      const input = await read();
      this.reset();
      for (const c of input.changes) {
        if (c.kind !== 'deploy' || (c.what ?? 'image') !== 'image') continue;
        this.inc({ service: c.service, env: c.env, outcome: c.outcome });
      }
    },
  });
  define.counter({
    name: 'mc_change_failures_total',
    help: 'Deployments that led to a rollback, auto-rollback, revert or attributed incident within the attribution window.',
    labelNames: ['service', 'env'],
    async collect() {
      const { evidence } = everything(await read());
      this.reset();
      for (const f of evidence.failures) this.inc({ service: f.change.service, env: f.change.env });
    },
  });
  define.histogram({
    name: 'mc_lead_time_seconds',
    help: 'From the commit to the deployment running, per deployment with a known commit time.',
    labelNames: ['service', 'env'],
    buckets: LEAD_BUCKETS,
    async collect() {
      const input = await read();
      this.reset();
      for (const d of input.changes) {
        if (!isDeployment(d) || d.commitAt === undefined) continue;
        this.observe(
          { service: d.service, env: d.env },
          (Date.parse(d.at) - Date.parse(d.commitAt)) / 1000,
        );
      }
    },
  });
  define.histogram({
    name: 'mc_time_to_restore_seconds',
    help: "From an incident's first signal to its resolution, per resolved incident.",
    labelNames: ['service', 'env'],
    buckets: RESTORE_BUCKETS,
    async collect() {
      const input = await read();
      this.reset();
      for (const i of input.incidents) {
        if (i.resolvedAt === undefined) continue;
        this.observe(
          { service: i.service, env: i.env },
          (Date.parse(i.resolvedAt) - Date.parse(i.openedAt)) / 1000,
        );
      }
    },
  });
}
