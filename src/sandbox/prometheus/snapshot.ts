/** Health of one service in one environment at one moment, as the sandbox's metrics show it. */
export interface EnvSample {
  service: string;
  env: string;
  namespace: string;
  /** Requests per second. */
  rps: number;
  /** Share of requests answered with a 5xx, 0..1. */
  errorRatio: number;
  /** 95th percentile request duration, seconds. */
  latencyP95: number;
  /** Ready pods out of the replicas wanted. */
  ready: number;
  replicas: number;
}

/** One container of one pod, for the kube-state-metrics style series. */
export interface PodSample {
  namespace: string;
  pod: string;
  container: string;
  restarts: number;
  /** Why the last run ended (`Error` for crash loops), if it ended. */
  lastTerminatedReason?: string;
}

/** Every series the simulated Prometheus can answer, at one moment (unix ms). */
export interface MetricsSnapshot {
  at: number;
  envs: EnvSample[];
  pods: PodSample[];
}

/** Takes the current snapshot (the live cluster and the scenario knobs). */
export type SnapshotSource = () => MetricsSnapshot;
