import type { KubeClients } from '../adapters/kubernetes/create-kube-clients.ts';
import type { PagerDuty } from '../adapters/pagerduty/client.ts';
import type { PrometheusClient } from '../adapters/prometheus/create-prometheus-client.ts';
import type { Catalog } from '../config/schema.ts';
import type { Evidence } from '../evidence/evidence-service.ts';
import type { Ledger } from '../evidence/ledger/create-ledger.ts';
import type { RunEngine } from '../runs/types.ts';
import type { Db } from '../store/db.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { Drill, DrillStore } from './drill-store.ts';

/** A piece of a by-hand instruction: words, or something to type (a command, a name). */
export type InstructionPart = string | { code: string };

/** What a drill has to tell people beyond its live message; the chat edge words it. */
export type DrillNotice =
  | { kind: 'loop-failed'; error: string }
  | { kind: 'resumed' }
  | { kind: 'resumed-past-deadline'; deadline: Date | undefined }
  | { kind: 'restored'; detail: string }
  | {
      kind: 'restore-failed';
      problem: string;
      /** `service/env` the fault may still be on. */
      where: string;
      byHand: InstructionPart[];
    }
  | { kind: 'incident-noted'; incident: string }
  | { kind: 'incident-note-failed'; incident: string; error: string };

/** How a drill speaks to people: its one live message and notices in its thread. */
export interface DrillAnnouncer {
  /** The drill changed: re-render its message (the announcer may coalesce quick changes). */
  changed(drill: Drill): Promise<void>;
  /** A notice in the drill's thread (the edge decides how loud each kind is). */
  say(drill: Drill, notice: DrillNotice): Promise<void>;
}

/** Everything the drill runner works with; the feature builds it from the bot's parts. */
export interface DrillDeps {
  db: Db;
  store: DrillStore;
  engine: RunEngine;
  kube: KubeClients;
  catalog: Catalog;
  prometheus?: Pick<PrometheusClient, 'query'> | undefined;
  pagerduty?: Pick<PagerDuty, 'addNote' | 'listOpenIncidents'> | undefined;
  ledger: Ledger;
  evidence: Evidence;
  announcer: DrillAnnouncer;
  clock: () => Date;
  log: Logger;
  /** Between samples of the cluster (and checks for Abort). Default 250 ms. */
  sampleMs?: number;
  /** Between samples of Prometheus. Default 1 s. */
  promSampleMs?: number;
  /** Restore runs tried before the drill is escalated as restore-failed. Default 3. */
  restoreAttempts?: number;
  /** Aborted when the runner stops: loops end where they are; the drill stays saved. */
  signal?: AbortSignal;
}
