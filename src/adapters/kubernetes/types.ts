/** The workload kinds the catalog may name. */
export type WorkloadKind = 'Deployment' | 'Rollout';

/** Where a workload lives: a catalog entry resolved to Kubernetes coordinates. */
export interface WorkloadRef {
  context: string;
  namespace: string;
  kind: WorkloadKind;
  name: string;
}

export interface Container {
  name: string;
  image?: string;
  [key: string]: unknown;
}

/** A pod template as plain JSON (what a ReplicaSet copies and rollout undo restores). */
export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: { containers: Container[]; [key: string]: unknown };
  [key: string]: unknown;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
}

/** The status fields of a Deployment or an Argo Rollout that the bot reads (zeros omitted). */
export interface WorkloadStatus {
  /** A number on Deployments, a string on Rollouts (as Argo writes it). */
  observedGeneration?: number | string;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  conditions?: Condition[];
  /** Rollouts only from here on. */
  phase?: string;
  message?: string;
  abort?: boolean;
  currentStepIndex?: number;
  currentPodHash?: string;
  stableRS?: string;
  pauseConditions?: { reason: string; startTime?: string }[] | null;
  controllerPause?: boolean;
  canary?: { weights?: { canary?: { weight?: number }; stable?: { weight?: number } } };
}

/** One canary step of a Rollout (setWeight, pause, analysis...). */
export type CanaryStep = Record<string, unknown>;

/** A Deployment or Rollout read from the API, as plain JSON with the fields actions use. */
export interface Workload {
  ref: WorkloadRef;
  uid: string;
  resourceVersion: string;
  generation: number;
  annotations: Record<string, string>;
  /** spec.replicas (Kubernetes defaults it to 1). */
  replicas: number;
  paused: boolean;
  progressDeadlineSeconds: number | undefined;
  /** The current revision annotation, when the controller has written one. */
  revision: number | undefined;
  selector: LabelSelector | undefined;
  template: PodTemplate;
  /** Canary steps of a Rollout (empty for Deployments). */
  steps: CanaryStep[];
  status: WorkloadStatus;
}
