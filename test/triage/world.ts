import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import type { AlertmanagerWebhook } from '../../src/adapters/alertmanager/schema.ts';
import type { Catalog } from '../../src/config/schema.ts';
import type { Playbook } from '../../src/domain/playbooks/schema.ts';
import { openStore, type Store } from '../../src/store/open-store.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { metricFactory } from '../../src/telemetry/metric-factory.ts';
import { type TriageMetrics, triageMetrics } from '../../src/telemetry/triage-metrics.ts';
import type { IncidentRef, IncidentStore } from '../../src/triage/incident-store.ts';
import { createIncidentStore } from '../../src/triage/incident-store.ts';
import type { IncidentPublisher } from '../../src/triage/triage-service.ts';

export const silentLog = createLogger({ level: 'silent' });

/** A migrated PGlite store; on disk (a temp dir) it can be closed and opened again: a restart. */
export interface TriageDb {
  store: Store;
  incidents: IncidentStore;
  reopen(): Promise<void>;
  close(): Promise<void>;
}

export async function openTriageDb(options: { disk?: boolean } = {}): Promise<TriageDb> {
  const dir = options.disk ? await mkdtemp(path.join(os.tmpdir(), 'mc-triage-')) : null;
  const open = () => openStore({ dataDir: dir, log: silentLog });
  const db: TriageDb = {
    store: await open(),
    incidents: undefined as unknown as IncidentStore,
    async reopen() {
      if (!dir) throw new Error('an in-memory database cannot be reopened: pass { disk: true }');
      await db.store.close();
      db.store = await open();
      db.incidents = createIncidentStore(db.store.db);
    },
    async close() {
      await db.store.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
  db.incidents = createIncidentStore(db.store.db);
  return db;
}

/** Triage metrics on a registry of their own. */
export function testMetrics(): TriageMetrics & { registry: Registry } {
  const registry = new Registry();
  return { ...triageMetrics(metricFactory(registry)), registry };
}

/** Observations of mc_incident_ack_seconds by via_bot. */
export async function ackCounts(metrics: TriageMetrics): Promise<Record<string, number>> {
  const data = await metrics.ackSeconds.get();
  const out: Record<string, number> = {};
  for (const v of data.values) {
    if (v.metricName === 'mc_incident_ack_seconds_count') out[String(v.labels.via_bot)] = v.value;
  }
  return out;
}

/** A publisher that records each publish and marks the message current, as the poster does. */
export function recordingPublisher(incidents: () => IncidentStore) {
  const published: IncidentRef[] = [];
  const pending = new Set<Promise<unknown>>();
  const publisher: IncidentPublisher = {
    publish(ref) {
      published.push(ref);
      const marked = incidents()
        .get(ref.id)
        .then((s) => s && incidents().markPublished(s.id, s.version));
      pending.add(marked);
      void marked.finally(() => pending.delete(marked));
    },
  };
  /** Waits for the marks in flight (before the database closes under them). */
  const settled = async () => {
    while (pending.size > 0) await Promise.all([...pending]);
  };
  return { publisher, published, settled };
}

/** An Alertmanager v4 webhook of firing (or resolved) alerts on `service`. */
export function amWebhook(
  alerts: {
    name: string;
    fingerprint: string;
    startsAt: string;
    endsAt?: string;
    labels?: Record<string, string>;
  }[],
  options: { service?: string; status?: 'firing' | 'resolved'; groupKey?: string } = {},
): AlertmanagerWebhook {
  const status = options.status ?? 'firing';
  return {
    version: '4',
    groupKey: options.groupKey ?? `{}:{service="${options.service ?? 'checkout'}"}`,
    truncatedAlerts: 0,
    status,
    receiver: 'mc',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://127.0.0.1:9093',
    alerts: alerts.map((a) => ({
      status,
      labels: {
        alertname: a.name,
        severity: 'critical',
        ...(options.service === '' ? {} : { service: options.service ?? 'checkout', env: 'prod' }),
        ...a.labels,
      },
      annotations: { summary: `${a.name} on ${options.service ?? 'checkout'}` },
      startsAt: a.startsAt,
      endsAt: a.endsAt ?? '0001-01-01T00:00:00Z',
      generatorURL: `http://127.0.0.1:9090/graph?g0.expr=${a.name}`,
      fingerprint: a.fingerprint,
    })),
  };
}

export type { Catalog, Playbook };
