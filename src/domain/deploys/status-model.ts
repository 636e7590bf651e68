import type { RunState } from '../runs/index.ts';
import type { DeployRecord } from './deploy-record.ts';
import type { ActiveFreeze } from './freeze.ts';

/** A value read from one source, or why that source could not give it. */
export type Sourced<T> = { ok: true; value: T } | { ok: false; unavailable: string };

/** What runs: the workload's current revision, image and pod counts. */
export interface WorkloadSummary {
  kind: 'Deployment' | 'Rollout';
  name: string;
  namespace: string;
  context: string;
  revision?: number;
  /** The catalog container's image. */
  image: string;
  replicas: { desired: number; ready: number; updated: number; available: number };
}

/** `kubectl rollout status` in short: progressing, complete, paused or failed, and its words. */
export interface RolloutHealth {
  state: 'progressing' | 'complete' | 'paused' | 'failed';
  message: string;
}

/** A run holding the target's lock (there is at most one per target). */
export interface ActiveRunSummary {
  id: string;
  verb: string;
  state: RunState;
  requester: string;
  since: Date;
  revertOf?: string;
  progress?: string;
  waitingFor?: 'confirm' | 'approval';
}

/** A firing alert about the service, from Alertmanager or Prometheus's rule evaluator. */
export interface FiringAlert {
  name: string;
  severity?: string;
  summary?: string;
  startsAt?: Date;
  /** The alert's `env`/`environment` label, when it has one. */
  env?: string;
  link?: string;
  source: 'alertmanager' | 'prometheus';
}

/** One environment of a service, each part read independently. */
export interface EnvironmentStatus {
  env: string;
  protected: boolean;
  /** The change freeze in force, if any. */
  freeze?: ActiveFreeze;
  workload: Sourced<WorkloadSummary>;
  rollout: Sourced<RolloutHealth>;
  /** Active runs on this target; a non-empty list means the target is locked. */
  runs: Sourced<ActiveRunSummary[]>;
  lastDeploy: Sourced<DeployRecord | undefined>;
  /** Absent when neither Alertmanager nor Prometheus is configured. */
  alerts?: Sourced<FiringAlert[]>;
}

/** `/mc status <service>`: every (or one) environment of a service, as of `at`. */
export interface ServiceStatus {
  service: string;
  description: string;
  at: Date;
  environments: EnvironmentStatus[];
  /** Where alerts came from; absent when neither source is configured. */
  alertsSource?: 'alertmanager' | 'prometheus';
}
